import { ArgumentError, memory, scope } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { padCollate } from './collate';
import { CollateError } from './errors';

const rows = [
  { inputIds: [101, 7, 102], attentionMask: [1, 1, 1], tokenTypeIds: [0, 0, 0], label: 1, text: 'a b' },
  { inputIds: [101, 102], attentionMask: [1, 1], tokenTypeIds: [0, 0], label: 0, text: '' },
];

describe('padCollate', () => {
  it('pads to the longest row: inputIds with the pad id, masks and type ids with 0; label becomes labels', () => {
    const b = padCollate({ padTokenId: 9 })(rows);
    expect(Object.keys(b).sort()).toEqual(['attentionMask', 'inputIds', 'labels', 'tokenTypeIds']);
    for (const t of [b.inputIds, b.attentionMask, b.tokenTypeIds!]) expect([t.dtype, t.shape]).toEqual(['int32', [2, 3]]);
    expect(b.inputIds.arraySync()).toEqual([
      [101, 7, 102],
      [101, 102, 9],
    ]);
    expect(b.attentionMask.arraySync()).toEqual([
      [1, 1, 1],
      [1, 1, 0],
    ]);
    expect([b.labels!.dtype, b.labels!.shape, b.labels!.arraySync()]).toEqual(['int32', [2], [1, 0]]);
  });

  it('rounds the length up to padToMultipleOf, and checks maxLength', () => {
    const b = padCollate({ padTokenId: 0, padToMultipleOf: 8 })(rows);
    expect(b.inputIds.shape).toEqual([2, 8]);
    expect(() => padCollate({ padTokenId: 0, maxLength: 2 })(rows)).toThrow(/row 0's "inputIds" has 3 elements, more than maxLength 2/);
  });

  it('pads label sequences (token tasks) with -100, or labelPadId', () => {
    const tok = [
      { inputIds: [1, 2, 3], labels: [4, 5, 6] },
      { inputIds: [1], labels: [7] },
    ];
    expect(padCollate({ padTokenId: 0 })(tok).labels!.arraySync()).toEqual([
      [4, 5, 6],
      [7, -100, -100],
    ]);
    expect(padCollate({ padTokenId: 0, labelPadId: -1 })(tok).labels!.arraySync()).toEqual([
      [4, 5, 6],
      [7, -1, -1],
    ]);
  });

  it('makes float32 tensors of non-integer numbers, and an attention mask when rows have none', () => {
    const b = padCollate({ padTokenId: 0 })([
      { inputIds: [5, 6], label: 0.5 },
      { inputIds: [5], label: 2 },
    ]);
    expect([b.labels!.dtype, Array.from(b.labels!.dataSync())]).toEqual(['float32', [0.5, 2]]);
    expect(b.attentionMask.arraySync()).toEqual([
      [1, 1],
      [1, 0],
    ]);
  });

  it('needs padTokenId only when rows differ in length', () => {
    const same = [{ inputIds: [1, 2] }, { inputIds: [3, 4] }];
    expect(padCollate()(same).inputIds.shape).toEqual([2, 2]);
    expect(() => padCollate()(rows)).toThrow(/padTokenId is needed/);
  });

  it('names the row and field of rows that cannot be collated', () => {
    const c = padCollate({ padTokenId: 0 });
    expect(() => c([])).toThrow(CollateError);
    expect(() => c([{ inputIds: [1], label: 1 }, { inputIds: [1] }])).toThrow(/row 1 has no "label", but row 0 has one/);
    expect(() =>
      c([
        { inputIds: [1], label: 1 },
        { inputIds: [1], label: [1] },
      ]),
    ).toThrow(/"label" is a number in row 0 but not in row 1/);
    expect(() => c([{ inputIds: [[1]] }])).toThrow(/row 0's "inputIds" is an array of non-numbers/);
    expect(() => c([{ inputIds: [1.5] }])).toThrow(/integer token ids/);
    expect(() => c([{ inputIds: [1], label: 1, labels: 2 }])).toThrow(/both "label" and "labels"/);
    expect(() => padCollate({ padTokenId: -1 })).toThrow(ArgumentError);
    expect(() => padCollate({ padId: 0 } as never)).toThrow(/unknown option "padId"/);
  });

  it('leaves nothing alive once the batch is released', () => {
    const before = memory().tensors;
    scope(() => {
      padCollate({ padTokenId: 0 })(rows);
    });
    expect(memory().tensors).toBe(before);
  });
});
