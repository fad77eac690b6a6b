import { GraftError, Generator, randn, scope, tensor, type Tensor } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { registerAsyncDevice } from '../../../../test-utils/nn/async-device';
import { thrown as thrownBy } from '../../../../test-utils/thrown';
import { AttentionMaskError } from '../errors';
import { encodingsToTensors } from '../inputs/encodings-to-tensors';
import { Embedding } from './embedding';
import { MultiheadAttention } from './attention';
import { toKeyPaddingMask } from './attention-masks';
import { TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer } from './transformer';

const gen = new Generator(11);
const thrown = (fn: () => unknown) => thrownBy(fn, GraftError);
const opts = { dimFeedforward: 16, dropout: 0, batchFirst: true, generator: gen };

describe('attention masks are checked', () => {
  const mha = new MultiheadAttention(8, 2, { batchFirst: true, generator: gen });
  const x = randn([2, 5, 8], { generator: gen });
  const hfMask = tensor(
    [
      [1, 1, 1, 0, 0],
      [1, 1, 1, 1, 1],
    ],
    { dtype: 'int32' },
  );

  it('an int32 (Hugging Face) key padding mask is refused with both conventions and the fix', () => {
    const e = thrown(() => mha.call(x, x, x, { keyPaddingMask: hfMask }));
    expect(e).toBeInstanceOf(AttentionMaskError);
    expect(e.code).toBe('attention_mask');
    expect(e.message).toMatch(/^in MultiheadAttention \(embedDim=8, numHeads=2, batchFirst=true\): keyPaddingMask is int32/);
    expect(e.message).toContain('Hugging Face attention_mask marks real tokens with 1 and padding with 0');
    expect(e.message).toContain("PyTorch's key_padding_mask");
    expect(e.message).toContain('toKeyPaddingMask(attentionMask)');
    // the same call with the converted mask works
    expect(mha.call(x, x, x, { keyPaddingMask: toKeyPaddingMask(hfMask) }).shape).toEqual([2, 5, 8]);
  });

  it('an integer attention mask is refused too, in every layer, under the name the caller used', () => {
    expect(
      thrown(() =>
        mha.call(x, x, x, {
          attnMask: tensor(
            [
              [0, 1],
              [0, 0],
            ],
            { dtype: 'int32' },
          ),
        }),
      ).message,
    ).toMatch(/attnMask is int32: .*mask\.eq\(0\)/);
    const enc = new TransformerEncoderLayer(8, 2, opts);
    const e = thrown(() => enc.call(x, { srcKeyPaddingMask: hfMask }));
    expect(e).toBeInstanceOf(AttentionMaskError);
    expect(e.message).toMatch(/^in TransformerEncoderLayer \(dModel=8, nhead=2, batchFirst=true, normFirst=false\): srcKeyPaddingMask is int32/);
    const stack = new TransformerEncoder(() => new TransformerEncoderLayer(8, 2, opts), 2);
    expect(thrown(() => stack.call(x, { srcKeyPaddingMask: hfMask })).message).toMatch(/^in TransformerEncoderLayer 'layers\.0' .*srcKeyPaddingMask is int32/);
    const dec = new TransformerDecoderLayer(8, 2, opts);
    const tgt = randn([2, 3, 8], { generator: gen });
    expect(thrown(() => dec.call(tgt, x, { memoryKeyPaddingMask: hfMask })).message).toContain('memoryKeyPaddingMask is int32');
    expect(
      thrown(() =>
        dec.call(tgt, x, {
          tgtKeyPaddingMask: tensor(
            [
              [1, 1, 0],
              [1, 1, 1],
            ],
            { dtype: 'int32' },
          ),
        }),
      ).message,
    ).toContain('tgtKeyPaddingMask is int32');
    expect(
      thrown(() =>
        dec.call(tgt, x, {
          tgtMask: tensor(
            [
              [0, 1, 1],
              [0, 0, 1],
              [0, 0, 0],
            ],
            { dtype: 'int32' },
          ),
        }),
      ).message,
    ).toContain('tgtMask is int32');
  });

  it('shapes are checked against the call: key padding [N, S], attention [L, S] or [N·heads, L, S]', () => {
    const pad = (n: number, s: number) =>
      tensor(
        Array.from({ length: n }, () => new Array<boolean>(s).fill(false)),
        { dtype: 'bool' },
      );
    expect(thrown(() => mha.call(x, x, x, { keyPaddingMask: pad(2, 6) })).message).toContain(
      'keyPaddingMask has shape [2, 6]; it should be [2, 5] (batch, key length)',
    );
    expect(thrown(() => mha.call(x, x, x, { keyPaddingMask: pad(5, 2) })).message).toContain('should be [2, 5]');
    const msg = thrown(() => mha.call(x, x, x, { attnMask: pad(5, 4) })).message;
    expect(msg).toContain('attnMask has shape [5, 4]; it should be [5, 5] (query length, key length) or [4, 5, 5] (batch·heads, query length, key length)');
    // the per-head form is accepted and means the same as the shared one
    const causal = tensor(
      Array.from({ length: 5 }, (_, i) => Array.from({ length: 5 }, (_, j) => j > i)),
      { dtype: 'bool' },
    );
    const perHead = causal.reshape(1, 5, 5).expand(4, 5, 5).contiguous();
    expect(mha.call(x, x, x, { attnMask: perHead }).dataSync()).toEqual(mha.call(x, x, x, { attnMask: causal }).dataSync());
    // sequence-first layout: [L, N, E], so the key padding mask is still [N, S]
    const seqFirst = new MultiheadAttention(8, 2, { generator: gen });
    expect(seqFirst.call(x.transpose(0, 1), x.transpose(0, 1), x.transpose(0, 1), { keyPaddingMask: pad(2, 5) }).shape).toEqual([5, 2, 8]);
    expect(thrown(() => seqFirst.call(x.transpose(0, 1), x.transpose(0, 1), x.transpose(0, 1), { keyPaddingMask: pad(5, 2) })).message).toContain(
      'should be [2, 5]',
    );
  });

  it('devices, non-tensors and a non-boolean causal flag are refused with what to do', () => {
    const device = registerAsyncDevice();
    const onDevice = toKeyPaddingMask(hfMask).to(device);
    expect(thrown(() => mha.call(x, x, x, { keyPaddingMask: onDevice })).message).toContain(
      `keyPaddingMask is on '${device}' but the query is on 'cpu': move it with .to('cpu')`,
    );
    onDevice.dispose();
    const notTensor = [[false, true]] as unknown as Tensor;
    expect(thrown(() => mha.call(x, x, x, { keyPaddingMask: notTensor })).message).toContain('keyPaddingMask must be a Tensor (bool or float)');
    const flag = tensor([1]) as unknown as boolean;
    expect(thrown(() => mha.call(x, x, x, { isCausal: flag })).message).toContain(
      'isCausal must be true or false, got object; a causal mask tensor goes in attnMask',
    );
  });

  it('toKeyPaddingMask turns 1 = keep into true = ignore, for int32, float and bool masks', () => {
    const want = [
      [false, false, false, true, true],
      [false, false, false, false, false],
    ];
    expect(toKeyPaddingMask(hfMask).arraySync()).toEqual(want);
    expect(toKeyPaddingMask(hfMask.cast('float32')).arraySync()).toEqual(want);
    expect(toKeyPaddingMask(hfMask.cast('bool')).arraySync()).toEqual(want);
    expect(() => toKeyPaddingMask(tensor([1, 1, 0], { dtype: 'int32' }))).toThrow(AttentionMaskError);
  });
});

describe('a Hugging Face batch really masks', () => {
  // three unpadded encodings of different lengths with every field of @graft/tokenizers'
  // Encoding ([CLS] = 1, [SEP] = 2, words from a toy vocabulary of 12 ids)
  const encoding = (ids: number[]) => ({
    ids,
    tokens: ids.map(String),
    typeIds: ids.map(() => 0),
    offsets: ids.map((_, i) => [i, i + 1] as [number, number]),
    wordIds: ids.map((_, i) => (i === 0 || i === ids.length - 1 ? null : i - 1)),
    specialTokensMask: ids.map((_, i) => (i === 0 || i === ids.length - 1 ? 1 : 0)),
    attentionMask: ids.map(() => 1),
    overflowing: [],
    sequenceRanges: new Map([[0, [1, ids.length - 1] as [number, number]]]),
  });
  const batch = [encoding([1, 7, 9, 2]), encoding([1, 5, 2]), encoding([1, 7, 8, 9, 3, 2])];

  /** Embeddings and two encoder layers, evaluated (no dropout), float64 so equality is tight. */
  function model() {
    const g = new Generator(21);
    const embed = new Embedding(12, 8, { generator: g, dtype: 'float64' });
    const enc = new TransformerEncoder(() => new TransformerEncoderLayer(8, 2, { ...opts, generator: g, dtype: 'float64' }), 2);
    enc.eval();
    return (ids: Tensor, keyPaddingMask?: Tensor) => enc.call(embed.call(ids), { srcKeyPaddingMask: keyPaddingMask });
  }
  const run = model();
  /** Each sequence alone, unpadded: what its real tokens' outputs must be in any batch. */
  const alone = batch.map((e) => run(tensor([e.ids], { dtype: 'int32' })).arraySync() as number[][][]);

  it.each(['right', 'left'] as const)('padding (%s) does not change the outputs of real tokens', (direction) => {
    scope(() => {
      for (const padId of [0, 11]) {
        const { inputIds, keyPaddingMask } = encodingsToTensors(batch, { padId, direction });
        const out = run(inputIds, keyPaddingMask).arraySync() as number[][][];
        batch.forEach((e, b) => {
          const start = direction === 'left' ? 6 - e.ids.length : 0;
          alone[b][0].forEach((row, t) => row.forEach((v, c) => expect(out[b][start + t][c]).toBeCloseTo(v, 10)));
        });
      }
    });
  });

  it('without the mask, padding does change them (so the test above has teeth)', () => {
    scope(() => {
      const { inputIds } = encodingsToTensors(batch, { padId: 0 });
      const out = run(inputIds).arraySync() as number[][][];
      const diff = Math.max(...alone[1][0].flatMap((row, t) => row.map((v, c) => Math.abs(out[1][t][c] - v))));
      expect(diff).toBeGreaterThan(1e-3);
    });
  });
});
