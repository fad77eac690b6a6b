import { Generator, randn, tensor, type Tensor } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { LayerConfigError } from '../errors';
import { gradcheckModule } from '../module/gradcheck-module';
import { GRU, LSTM, RNN } from './rnn';
import { GRUCell, LSTMCell, RNNCell } from './rnn-cells';

const gen = new Generator(31);
const f64 = { dtype: 'float64' as const, generator: gen };
const sig = (v: number) => 1 / (1 + Math.exp(-v));
const mv = (w: number[][], x: number[], off: number, n: number) => Array.from({ length: n }, (_, i) => w[off + i].reduce((s, wij, j) => s + wij * x[j], 0));
const vals = (t: Tensor) => [...t.dataSync()];

/** One LSTM or GRU layer over one sequence in plain JS, with PyTorch's gate equations. */
function naive(kind: 'lstm' | 'gru', m: LSTM | GRU, xs: number[][]): number[][] {
  const sd = m.stateDict();
  const [wih, whh] = ['weight_ih_l0', 'weight_hh_l0'].map((k) => sd[k].arraySync() as number[][]);
  const [bih, bhh] = ['bias_ih_l0', 'bias_hh_l0'].map((k) => sd[k].arraySync() as number[]);
  const H = m.hiddenSize;
  let h = new Array<number>(H).fill(0);
  let c = new Array<number>(H).fill(0);
  return xs.map((x) => {
    const gate = (g: number) => {
      const a = mv(wih, x, g * H, H);
      const b = mv(whh, h, g * H, H);
      return { x: a.map((v, i) => v + bih[g * H + i]), h: b.map((v, i) => v + bhh[g * H + i]) };
    };
    if (kind === 'lstm') {
      const [i, f, g, o] = [0, 1, 2, 3].map((k) => {
        const q = gate(k);
        return q.x.map((v, j) => v + q.h[j]);
      });
      c = c.map((cj, j) => sig(f[j]) * cj + sig(i[j]) * Math.tanh(g[j]));
      h = c.map((cj, j) => sig(o[j]) * Math.tanh(cj));
    } else {
      const [r, z, n] = [0, 1, 2].map(gate);
      const rv = r.x.map((v, j) => sig(v + r.h[j]));
      const zv = z.x.map((v, j) => sig(v + z.h[j]));
      const nv = n.x.map((v, j) => Math.tanh(v + rv[j] * n.h[j]));
      h = nv.map((nj, j) => (1 - zv[j]) * nj + zv[j] * h[j]);
    }
    return [...h];
  });
}

describe('RNN, LSTM, GRU', () => {
  it.each(['lstm', 'gru'] as const)('%s matches a plain implementation of the PyTorch equations', (kind) => {
    const m = kind === 'lstm' ? new LSTM(3, 4, { ...f64, batchFirst: true }) : new GRU(3, 4, { ...f64, batchFirst: true });
    const x = randn([1, 5, 3], f64);
    const { output, h } = m.call(x);
    const want = naive(kind, m, (x.arraySync() as number[][][])[0]);
    vals(output).forEach((v, i) => expect(v).toBeCloseTo(want.flat()[i], 12));
    vals(h).forEach((v, i) => expect(v).toBeCloseTo(want[4][i], 12));
  });

  it('use PyTorch names and shapes, and the sequence-first layout by default', () => {
    const lstm = new LSTM(3, 4, { numLayers: 2, bidirectional: true });
    expect(Object.keys(lstm.stateDict())).toEqual([
      'weight_ih_l0',
      'weight_hh_l0',
      'bias_ih_l0',
      'bias_hh_l0',
      'weight_ih_l0_reverse',
      'weight_hh_l0_reverse',
      'bias_ih_l0_reverse',
      'bias_hh_l0_reverse',
      'weight_ih_l1',
      'weight_hh_l1',
      'bias_ih_l1',
      'bias_hh_l1',
      'weight_ih_l1_reverse',
      'weight_hh_l1_reverse',
      'bias_ih_l1_reverse',
      'bias_hh_l1_reverse',
    ]);
    expect(lstm.stateDict().weight_ih_l1.shape).toEqual([16, 8]);
    const out = lstm.call(randn([6, 2, 3]));
    expect(out.output.shape).toEqual([6, 2, 8]);
    expect(out.h.shape).toEqual([4, 2, 4]);
    expect(out.c!.shape).toEqual([4, 2, 4]);
    expect(new GRU(3, 5).stateDict().weight_hh_l0.shape).toEqual([15, 5]);
    expect(() => lstm.call(randn([6, 2, 4]))).toThrow(LayerConfigError);
    expect(() => lstm.call(randn([6, 2, 3]), { h: randn([2, 2, 4]) })).toThrow(/initial h/);
  });

  it.each(['lstm', 'gru', 'rnn'] as const)('%s with variable lengths equals running each sequence alone (bidirectional, 2 layers)', (kind) => {
    const opts = { ...f64, batchFirst: true, bidirectional: true, numLayers: 2 };
    const m = kind === 'lstm' ? new LSTM(2, 3, opts) : kind === 'gru' ? new GRU(2, 3, opts) : new RNN(2, 3, opts);
    const x = randn([3, 5, 2], f64);
    const lengths = [5, 2, 4];
    const batched = m.call(x, {}, { lengths });
    const out = batched.output.arraySync() as number[][][];
    const hs = batched.h.arraySync() as number[][][];
    lengths.forEach((len, b) => {
      const alone = m.call(x.narrow(0, b, 1).narrow(1, 0, len));
      const a = alone.output.arraySync() as number[][][];
      for (let t = 0; t < 5; t++) out[b][t].forEach((v, j) => expect(v).toBeCloseTo(t < len ? a[0][t][j] : 0, 12));
      const ah = alone.h.arraySync() as number[][][];
      hs.forEach((layerDir, ld) => layerDir[b].forEach((v, j) => expect(v).toBeCloseTo(ah[ld][0][j], 12)));
    });
    const viaMask = m.call(
      x,
      {},
      {
        mask: tensor(
          [
            [1, 1, 1, 1, 1],
            [1, 1, 0, 0, 0],
            [1, 1, 1, 1, 0],
          ],
          { dtype: 'bool' },
        ),
      },
    );
    expect(vals(viaMask.output)).toEqual(vals(batched.output));
    expect(() => m.call(x, {}, { lengths: [5, 0, 4] })).toThrow(LayerConfigError);
  });

  it('cells compute one step of the layer', () => {
    const layer = new LSTM(3, 2, f64);
    const cell = new LSTMCell(3, 2, f64);
    cell.loadStateDict(Object.fromEntries(Object.entries(layer.stateDict()).map(([k, v]) => [k.replace('_l0', ''), v])));
    const x = randn([1, 4, 3], f64);
    const step = cell.call(x.narrow(0, 0, 1).squeeze(0));
    expect(vals(step.h)).toEqual(vals(layer.call(x).output.narrow(0, 0, 1).squeeze(0)));
    expect(new GRUCell(3, 2).call(randn([4, 3])).shape).toEqual([4, 2]);
    expect(
      new RNNCell(3, 2, { nonlinearity: 'relu' })
        .call(randn([4, 3]))
        .dataSync()
        .every((v) => v >= 0),
    ).toBe(true);
  });

  it('gradcheck: LSTM (bidirectional, 2 layers, lengths), GRU, RNN and the cells', () => {
    const lstm = new LSTM(2, 2, { ...f64, numLayers: 2, bidirectional: true, batchFirst: true });
    const x = randn([2, 3, 2], f64).requiresGrad_();
    const h0 = randn([4, 2, 2], f64).requiresGrad_();
    const c0 = randn([4, 2, 2], f64).requiresGrad_();
    expect(
      gradcheckModule(lstm, [x, h0, c0], (x, h, c) => {
        const r = lstm.call(x, { h, c }, { lengths: [3, 2] });
        return r.output.sum().add(r.h.mul(r.c!).sum());
      }),
    ).toBe(true);
    const gru = new GRU(2, 3, f64);
    expect(gradcheckModule(gru, [randn([3, 2, 2], f64).requiresGrad_()], (x) => gru.call(x).output)).toBe(true);
    const rnn = new RNN(2, 2, { ...f64, bidirectional: true });
    expect(gradcheckModule(rnn, [randn([3, 1, 2], f64).requiresGrad_()], (x) => rnn.call(x).h)).toBe(true);
    const cell = new GRUCell(2, 2, f64);
    expect(gradcheckModule(cell, [randn([2, 2], f64).requiresGrad_(), randn([2, 2], f64).requiresGrad_()], (x, h) => cell.call(x, h))).toBe(true);
  });
});
