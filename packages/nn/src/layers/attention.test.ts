import { Generator, randn, tensor, type Tensor } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { LayerConfigError } from '../errors';
import { gradcheckModule } from '../module/gradcheck-module';
import { LayerNorm } from './normalization';
import { MultiheadAttention } from './attention';
import { TransformerDecoder, TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer } from './transformer';

const gen = new Generator(8);
const f64 = { dtype: 'float64' as const, generator: gen };
const arr = (t: Tensor) => t.arraySync() as number[][][];

/** A plain-JS multi-head attention over batch-first arrays, the reference for the layer. */
function naiveMha(m: MultiheadAttention, x: number[][][], padded: boolean[][] | null, causal: boolean): number[][][] {
  const W = m.in_proj_weight!.arraySync() as number[][];
  const B = m.in_proj_bias!.arraySync() as number[];
  const Wo = m.out_proj.weight.arraySync() as number[][];
  const Bo = m.out_proj.bias!.arraySync() as number[];
  const E = m.embedDim;
  const H = m.numHeads;
  const d = E / H;
  const proj = (v: number[], off: number) => Array.from({ length: E }, (_, o) => B[off + o] + v.reduce((s, vi, i) => s + vi * W[off + o][i], 0));
  return x.map((seq, n) => {
    const q = seq.map((v) => proj(v, 0));
    const k = seq.map((v) => proj(v, E));
    const val = seq.map((v) => proj(v, 2 * E));
    const heads = seq.map(() => new Array<number>(E).fill(0));
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < seq.length; i++) {
        const scores = seq.map((_, j) => {
          if (padded?.[n][j] || (causal && j > i)) return -Infinity;
          let s = 0;
          for (let c = 0; c < d; c++) s += q[i][h * d + c] * k[j][h * d + c];
          return s / Math.sqrt(d);
        });
        const mx = Math.max(...scores);
        const ex = scores.map((s) => Math.exp(s - mx));
        const z = ex.reduce((a, b) => a + b);
        for (let c = 0; c < d; c++) heads[i][h * d + c] = ex.reduce((s, e, j) => s + (e / z) * val[j][h * d + c], 0);
      }
    }
    return heads.map((v) => Array.from({ length: E }, (_, o) => Bo[o] + v.reduce((s, vi, i) => s + vi * Wo[o][i], 0)));
  });
}

describe('MultiheadAttention', () => {
  it('matches a plain implementation, with key padding and causal masks, in both layouts', () => {
    const m = new MultiheadAttention(4, 2, { ...f64, batchFirst: true });
    const x = randn([2, 3, 4], f64);
    const pad = [
      [false, false, true],
      [false, false, false],
    ];
    const kpm = tensor(pad, { dtype: 'bool' });
    for (const causal of [false, true]) {
      const got = arr(m.call(x, x, x, { keyPaddingMask: kpm, isCausal: causal }));
      const want = naiveMha(m, arr(x), pad, causal);
      got.flat(2).forEach((v, i) => expect(v).toBeCloseTo(want.flat(2)[i], 10));
      const withWeights = m.forwardWithWeights(x, x, x, { keyPaddingMask: kpm, isCausal: causal });
      arr(withWeights.output)
        .flat(2)
        .forEach((v, i) => expect(v).toBeCloseTo(want.flat(2)[i], 10));
      const w = arr(withWeights.weights);
      expect(w[0][0][2]).toBe(0); // the padded key gets no weight
      w.flat().forEach((row) => expect(row.reduce((a, b) => a + b)).toBeCloseTo(1, 12));
    }
    // sequence-first layout (PyTorch's default) gives the transposed result
    const seqFirst = new MultiheadAttention(4, 2, f64);
    seqFirst.loadStateDict(m.stateDict());
    const y = seqFirst.call(x.transpose(0, 1), x.transpose(0, 1), x.transpose(0, 1));
    arr(y.transpose(0, 1))
      .flat(2)
      .forEach((v, i) => expect(v).toBeCloseTo(naiveMha(m, arr(x), null, false).flat(2)[i], 10));
  });

  it('accepts bool attention masks (true = blocked) like a causal flag, and float masks', () => {
    const m = new MultiheadAttention(4, 1, { ...f64, batchFirst: true });
    const x = randn([1, 3, 4], f64);
    const blocked = tensor(
      [
        [false, true, true],
        [false, false, true],
        [false, false, false],
      ],
      { dtype: 'bool' },
    );
    const viaMask = m.call(x, x, x, { attnMask: blocked }).dataSync();
    const viaFlag = m.call(x, x, x, { isCausal: true }).dataSync();
    viaMask.forEach((v, i) => expect(v).toBeCloseTo(viaFlag[i], 12));
    const floatMask = tensor(
      [
        [0, -1e9, -1e9],
        [0, 0, -1e9],
        [0, 0, 0],
      ],
      { dtype: 'float64' },
    );
    m.call(x, x, x, { attnMask: floatMask })
      .dataSync()
      .forEach((v, i) => expect(v).toBeCloseTo(viaFlag[i], 9));
  });

  it('has PyTorch parameter names, separate projections for other key/value sizes, and checks shapes', () => {
    expect(Object.keys(new MultiheadAttention(8, 2).stateDict())).toEqual(['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
    const cross = new MultiheadAttention(4, 2, { kdim: 3, vdim: 5, batchFirst: true });
    expect(Object.keys(cross.stateDict())).toEqual(['q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
    expect(cross.call(randn([2, 1, 4]), randn([2, 6, 3]), randn([2, 6, 5])).shape).toEqual([2, 1, 4]);
    expect(() => new MultiheadAttention(6, 4)).toThrow(LayerConfigError);
    expect(() => cross.call(randn([2, 1, 4]), randn([2, 6, 4]), randn([2, 6, 5]))).toThrow(LayerConfigError);
  });

  it('gradcheck with a padding mask', () => {
    const m = new MultiheadAttention(4, 2, { ...f64, batchFirst: true });
    const x = randn([2, 3, 4], f64).requiresGrad_();
    const kpm = tensor(
      [
        [false, true, false],
        [false, false, false],
      ],
      { dtype: 'bool' },
    );
    expect(gradcheckModule(m, [x], (x) => m.call(x, x, x, { keyPaddingMask: kpm }))).toBe(true);
  });
});

describe('Transformer layers', () => {
  const opts = { ...f64, dimFeedforward: 6, dropout: 0, batchFirst: true };

  it('keep PyTorch names; causal encoders ignore the future', () => {
    const enc = new TransformerEncoder(() => new TransformerEncoderLayer(4, 2, opts), 2, { norm: new LayerNorm(4, f64) });
    const keys = Object.keys(enc.stateDict());
    expect(keys).toContain('layers.1.self_attn.in_proj_weight');
    expect(keys).toContain('layers.0.linear2.bias');
    expect(keys).toContain('layers.1.norm2.weight');
    expect(keys).toContain('norm.bias');
    const x = randn([1, 4, 4], f64);
    const y1 = enc.call(x, { isCausal: true }).narrow(1, 0, 2).dataSync();
    const x2 = x.narrow(1, 0, 2).clone();
    const y2 = enc.call(x2.reshape(1, 2, 4), { isCausal: true }).dataSync();
    y1.forEach((v, i) => expect(v).toBeCloseTo(y2[i], 10));
  });

  it.each([false, true])('gradcheck encoder and decoder layers (normFirst %s)', (normFirst) => {
    const enc = new TransformerEncoderLayer(4, 2, { ...opts, normFirst, activation: 'gelu' });
    const x = randn([2, 3, 4], f64).requiresGrad_();
    const kpm = tensor(
      [
        [false, false, true],
        [false, false, false],
      ],
      { dtype: 'bool' },
    );
    expect(gradcheckModule(enc, [x], (x) => enc.call(x, { srcKeyPaddingMask: kpm }))).toBe(true);
    const dec = new TransformerDecoder(() => new TransformerDecoderLayer(4, 2, { ...opts, normFirst }), 1);
    const memory = randn([2, 3, 4], f64).requiresGrad_();
    const tgt = randn([2, 2, 4], f64).requiresGrad_();
    expect(gradcheckModule(dec, [tgt, memory], (t, m) => dec.call(t, m, { tgtIsCausal: true, memoryKeyPaddingMask: kpm }))).toBe(true);
  });

  it('apply dropout only in training mode', () => {
    const layer = new TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0.5, batchFirst: true, generator: gen });
    const x = randn([1, 3, 4], { generator: gen });
    const a = layer.call(x).dataSync();
    const b = layer.call(x).dataSync();
    expect(a).not.toEqual(b);
    layer.eval();
    expect(layer.call(x).dataSync()).toEqual(layer.call(x).dataSync());
  });
});
