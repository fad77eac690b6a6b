import { ArgumentError, scope } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { registerAsyncDevice } from '../../../../test-utils/nn/async-device';
import { thrown } from '../../../../test-utils/thrown';
import { encodingsToTensors, type EncodingLike } from './encodings-to-tensors';

// @graft/nn may not import @graft/tokenizers (DESIGN.md's import table, which
// scripts/check-imports.mjs enforces for tests too), so these are literal copies of its
// Encodings: bert-base-uncased (padding off) on 'hello world', 'hi' and the pair
// ('hello', 'world'), and roberta-base on 'hi'. docs/examples/nn/padded-batch.test.ts runs the
// real tokenizers.
const helloWorld = {
  ids: [101, 7592, 2088, 102],
  tokens: ['[CLS]', 'hello', 'world', '[SEP]'],
  typeIds: [0, 0, 0, 0],
  offsets: [
    [0, 0],
    [0, 5],
    [6, 11],
    [0, 0],
  ],
  wordIds: [null, 0, 1, null],
  specialTokensMask: [1, 0, 0, 1],
  attentionMask: [1, 1, 1, 1],
  overflowing: [],
  sequenceRanges: new Map([[0, [1, 3]]]),
};
const hi = {
  ids: [101, 7632, 102],
  tokens: ['[CLS]', 'hi', '[SEP]'],
  typeIds: [0, 0, 0],
  offsets: [
    [0, 0],
    [0, 2],
    [0, 0],
  ],
  wordIds: [null, 0, null],
  specialTokensMask: [1, 0, 1],
  attentionMask: [1, 1, 1],
  overflowing: [],
  sequenceRanges: new Map([[0, [1, 2]]]),
};
const pair = {
  ids: [101, 7592, 102, 2088, 102],
  tokens: ['[CLS]', 'hello', '[SEP]', 'world', '[SEP]'],
  typeIds: [0, 0, 0, 1, 1],
  offsets: [
    [0, 0],
    [0, 5],
    [0, 0],
    [0, 5],
    [0, 0],
  ],
  wordIds: [null, 0, null, 0, null],
  specialTokensMask: [1, 0, 1, 0, 1],
  attentionMask: [1, 1, 1, 1, 1],
  overflowing: [],
  sequenceRanges: new Map([
    [0, [1, 2]],
    [1, [3, 4]],
  ]),
};
const robertaHi = {
  ids: [0, 3592, 2],
  tokens: ['<s>', 'hi', '</s>'],
  typeIds: [0, 0, 0],
  offsets: [
    [0, 0],
    [0, 2],
    [0, 0],
  ],
  wordIds: [null, 0, null],
  specialTokensMask: [1, 0, 1],
  attentionMask: [1, 1, 1],
  overflowing: [],
  sequenceRanges: new Map([[0, [1, 2]]]),
};
// the same 'hi' as bert-base-uncased's tokenizer.json returns it in a batch with 'hello world' (its padding is on)
const hiPadded = {
  ids: [101, 7632, 102, 0],
  tokens: ['[CLS]', 'hi', '[SEP]', '[PAD]'],
  typeIds: [0, 0, 0, 0],
  offsets: [
    [0, 0],
    [0, 2],
    [0, 0],
    [0, 0],
  ],
  wordIds: [null, 0, null, null],
  specialTokensMask: [1, 0, 1, 1],
  attentionMask: [1, 1, 1, 0],
  overflowing: [],
  sequenceRanges: new Map([[0, [1, 2]]]),
};

describe('encodingsToTensors', () => {
  it('gives int32 ids, the HF attention mask, type ids and the bool key padding mask', () => {
    scope(() => {
      const b = encodingsToTensors([helloWorld, pair], { padId: 0 });
      expect(b.inputIds.dtype).toBe('int32');
      expect(b.inputIds.arraySync()).toEqual([
        [101, 7592, 2088, 102, 0],
        [101, 7592, 102, 2088, 102],
      ]);
      expect(b.attentionMask.dtype).toBe('int32');
      expect(b.attentionMask.arraySync()).toEqual([
        [1, 1, 1, 1, 0],
        [1, 1, 1, 1, 1],
      ]);
      expect(b.tokenTypeIds!.arraySync()).toEqual([
        [0, 0, 0, 0, 0],
        [0, 0, 0, 1, 1],
      ]);
      expect(b.keyPaddingMask.dtype).toBe('bool');
      expect(b.keyPaddingMask.arraySync()).toEqual([
        [false, false, false, false, true],
        [false, false, false, false, false],
      ]);
    });
  });

  it('pads on the left, with a pad id and pad type id, and takes tokenizer.padding as it is', () => {
    scope(() => {
      // a ResolvedPadding, as @graft/tokenizers' tokenizer.padding holds it (RoBERTa's pad id is 1)
      const padding = { fixed: null, direction: 'Left' as const, padToMultipleOf: null, padId: 1, padTypeId: 3, padToken: '<pad>' };
      const b = encodingsToTensors([robertaHi, pair], padding);
      expect(b.inputIds.arraySync()).toEqual([
        [1, 1, 0, 3592, 2],
        [101, 7592, 102, 2088, 102],
      ]);
      expect(b.attentionMask.arraySync()).toEqual([
        [0, 0, 1, 1, 1],
        [1, 1, 1, 1, 1],
      ]);
      expect(b.tokenTypeIds!.arraySync()).toEqual([
        [3, 3, 0, 0, 0],
        [0, 0, 0, 1, 1],
      ]);
      expect((b.keyPaddingMask.arraySync() as boolean[][])[0]).toEqual([true, true, false, false, false]);
    });
  });

  it('needs no pad id when the tokenizer padded already, and keeps its padding', () => {
    scope(() => {
      const b = encodingsToTensors([helloWorld, hiPadded]);
      expect(b.attentionMask.arraySync()).toEqual([
        [1, 1, 1, 1],
        [1, 1, 1, 0],
      ]);
      expect((b.keyPaddingMask.arraySync() as boolean[][])[1]).toEqual([false, false, false, true]);
    });
  });

  it('takes columns of rows and plain encodings without masks or type ids', () => {
    scope(() => {
      const b = encodingsToTensors({ ids: [[5, 6, 7], [8]], attentionMask: [[1, 1, 1], [1]] }, { padId: 0 });
      expect(b.inputIds.arraySync()).toEqual([
        [5, 6, 7],
        [8, 0, 0],
      ]);
      expect(b.attentionMask.arraySync()).toEqual([
        [1, 1, 1],
        [1, 0, 0],
      ]);
      expect(b.tokenTypeIds).toBeUndefined();
      const plain: EncodingLike[] = [{ ids: Int32Array.of(4, 5) }, { ids: [6] }];
      expect(encodingsToTensors(plain, { padId: 9 }).attentionMask.arraySync()).toEqual([
        [1, 1],
        [1, 0],
      ]);
    });
  });

  it('makes the tensors on the device asked for', () => {
    const device = registerAsyncDevice();
    scope(() => {
      const b = encodingsToTensors([helloWorld, hi], { padId: 0, device });
      for (const t of [b.inputIds, b.attentionMask, b.tokenTypeIds!, b.keyPaddingMask]) expect(t.device).toBe(device);
    });
  });

  it('refuses what it cannot turn into tensors, saying what is wrong', () => {
    const bad = (batch: unknown, opts = {}) => thrown(() => encodingsToTensors(batch as EncodingLike[], opts), ArgumentError).message;
    expect(bad([helloWorld, hi])).toMatch(/different lengths \(3 to 4\) and no padId was given: pass \{ padId \}/);
    expect(bad([])).toContain('the batch is empty');
    expect(bad([{ ids: [] }])).toContain('every encoding is empty');
    expect(bad(helloWorld)).toContain('got one encoding (ids is a flat array); pass an array of encodings');
    expect(bad(null)).toContain('expected an array of encodings');
    expect(bad([{ tokens: [] }])).toContain('encoding 0 has no ids array');
    expect(bad([{ ids: [1, -1] }])).toContain('ids of encoding 0[1] is -1; token ids are integers in [0, 2³¹)');
    expect(bad([{ ids: [1.5] }])).toContain('ids of encoding 0[0] is 1.5');
    expect(bad([{ ids: [2 ** 31] }])).toContain('is 2147483648');
    expect(bad([{ ids: [1, 2], attentionMask: [1, 2] }])).toContain('attentionMask of encoding 0[1] is 2; an attention mask holds 1 (token) or 0 (padding)');
    expect(bad([{ ids: [1, 2], attentionMask: [1] }])).toContain('attentionMask of encoding 0 has 1 values for 2 ids');
    expect(bad([helloWorld, { ids: [1, 2, 3, 4] }])).toContain('1 of 2 encodings have typeIds; give them to all or none');
    expect(bad({ ids: [[1], [2]], attentionMask: [[1]] })).toContain('attentionMask has 1 rows, ids has 2');
    expect(bad([helloWorld, hi], { padId: -1 })).toContain('padId must be an integer in [0, 2³¹), got -1');
    expect(bad([helloWorld], { direction: 'up' })).toContain(`direction must be 'right' or 'left', got "up"`);
  });
});
