import { ArgumentError } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { packSequences, packSequencesAsync, SequencePacker } from './pack';

const CLS = 101;
const SEP = 102;
const docs = [
  [1, 2, 3],
  [4, 5],
  [6, 7, 8, 9, 10],
];

describe('packSequences', () => {
  it('joins documents with [SEP] and cuts [CLS] … [SEP] rows of blockSize', () => {
    const rows = [...packSequences(docs, { blockSize: 6, clsTokenId: CLS, sepTokenId: SEP })];
    // stream: 1 2 3 SEP 4 5 SEP 6 7 8 9 10 → pieces of 4
    expect(rows.map((r) => r.inputIds)).toEqual([
      [CLS, 1, 2, 3, SEP, SEP],
      [CLS, 4, 5, SEP, 6, SEP],
      [CLS, 7, 8, 9, 10, SEP],
    ]);
    for (const r of rows) expect(r.attentionMask).toEqual([1, 1, 1, 1, 1, 1]);
    expect(rows[0].specialTokensMask).toEqual([1, 0, 0, 0, 1, 1]);
    expect(rows[1].specialTokensMask).toEqual([1, 0, 0, 1, 0, 1]);
  });

  it('keeps every document token exactly once, in order', () => {
    const many = Array.from({ length: 50 }, (_, d) => Array.from({ length: (d * 7) % 13 }, (_, i) => 1000 + d * 100 + i));
    const rows = [...packSequences(many, { blockSize: 16, clsTokenId: CLS, sepTokenId: SEP })];
    const content = rows.flatMap((r) => r.inputIds.slice(1, -1)).filter((t) => t !== SEP);
    expect(content).toEqual(many.flat());
    for (const r of rows.slice(0, -1)) expect(r.inputIds).toHaveLength(16);
  });

  it('keeps the short last row unless dropRemainder', () => {
    const kept = [...packSequences([[1, 2, 3, 4, 5]], { blockSize: 5, clsTokenId: CLS, sepTokenId: SEP })];
    expect(kept.map((r) => r.inputIds)).toEqual([
      [CLS, 1, 2, 3, SEP],
      [CLS, 4, 5, SEP],
    ]);
    const dropped = [...packSequences([[1, 2, 3, 4, 5]], { blockSize: 5, clsTokenId: CLS, sepTokenId: SEP, dropRemainder: true })];
    expect(dropped).toHaveLength(1);
  });

  it('streams: rows come out as documents go in, and the async form agrees', async () => {
    const packer = new SequencePacker({ blockSize: 4, clsTokenId: CLS, sepTokenId: SEP });
    expect(packer.push([1])).toEqual([]);
    expect(packer.push([2]).map((r) => r.inputIds)).toEqual([[CLS, 1, SEP, SEP]]);
    async function* gen() {
      yield* docs;
    }
    const asyncRows = [];
    for await (const r of packSequencesAsync(gen(), { blockSize: 6, clsTokenId: CLS, sepTokenId: SEP })) asyncRows.push(r);
    expect(asyncRows).toEqual([...packSequences(docs, { blockSize: 6, clsTokenId: CLS, sepTokenId: SEP })]);
  });

  it('rejects a block too small for [CLS] x [SEP] and bad ids', () => {
    expect(() => new SequencePacker({ blockSize: 2, clsTokenId: CLS, sepTokenId: SEP })).toThrow(ArgumentError);
    expect(() => new SequencePacker({ blockSize: 8, clsTokenId: -1, sepTokenId: SEP })).toThrow(/clsTokenId/);
  });
});
