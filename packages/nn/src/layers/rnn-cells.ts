/**
 * One time step of the recurrent cells, with PyTorch's gate layouts (LSTM i, f, g, o; GRU r, z, n)
 * and parameter names, as functions the sequence layers loop over and as the single-step cell
 * modules RNNCell, LSTMCell and GRUCell.
 */
import { scope, type Tensor, zeros } from '@graft/core';
import { LayerConfigError } from '../errors';
import { Module } from '../module/module';
import type { Parameter } from '../module/parameter';
import { checkPositive, type FactoryOptions, uniformParameter } from './factory';

/** The recurrent cell kinds. */
export type CellKind = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';

/** Gates per kind: how many `hidden`-sized blocks the weights stack. */
export const GATES: Record<CellKind, number> = { rnn_tanh: 1, rnn_relu: 1, lstm: 4, gru: 3 };

/** A cell's weights for one step (biases may be absent). */
export interface CellWeights {
  /** The hidden-to-hidden weights `[gates·hidden, hidden]` (`weight_hh`). */
  weightHh: Tensor;
  /** The hidden-to-hidden bias `[gates·hidden]` (`bias_hh`), or null. */
  biasHh: Tensor | null;
}

/**
 * One step from the input projection `xw = x·W_ihᵀ + b_ih` (precomputed for all steps at once)
 * and the previous state. Returns the new hidden state (and cell state for LSTM).
 */
export function cellStep(kind: CellKind, xw: Tensor, h: Tensor, c: Tensor | null, w: CellWeights): { h: Tensor; c: Tensor | null } {
  let hw = h.matmul(w.weightHh.transpose(0, 1));
  if (w.biasHh) hw = hw.add(w.biasHh);
  switch (kind) {
    case 'rnn_tanh':
      return { h: xw.add(hw).tanh(), c: null };
    case 'rnn_relu':
      return { h: xw.add(hw).relu(), c: null };
    case 'lstm': {
      const [i, f, g, o] = xw.add(hw).chunk(4, -1);
      const c1 = f.sigmoid().mul(c!).add(i.sigmoid().mul(g.tanh()));
      return { h: o.sigmoid().mul(c1.tanh()), c: c1 };
    }
    case 'gru': {
      // the reset gate multiplies W_hn·h + b_hn, so the hidden projection stays separate
      const [xr, xz, xn] = xw.chunk(3, -1);
      const [hr, hz, hn] = hw.chunk(3, -1);
      const r = xr.add(hr).sigmoid();
      const z = xz.add(hz).sigmoid();
      const n = xn.add(r.mul(hn)).tanh();
      return { h: n.sub(z.mul(n)).add(z.mul(h)), c: null };
    }
  }
}

/** Options of the cells. */
export interface CellOptions extends FactoryOptions {
  bias?: boolean;
  /** For RNNCell: 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}

abstract class CellBase<S> extends Module<[Tensor, S?], S> {
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;
  protected abstract readonly kind: CellKind;

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    gates: number,
    opts: CellOptions,
  ) {
    super();
    checkPositive(this.constructor.name, 'inputSize', inputSize);
    checkPositive(this.constructor.name, 'hiddenSize', hiddenSize);
    // PyTorch: every weight and bias uniform on ±1/√hidden
    const bound = 1 / Math.sqrt(hiddenSize);
    this.weight_ih = uniformParameter([gates * hiddenSize, inputSize], bound, opts);
    this.weight_hh = uniformParameter([gates * hiddenSize, hiddenSize], bound, opts);
    const bias = opts.bias ?? true;
    this.bias_ih = bias ? uniformParameter([gates * hiddenSize], bound, opts) : null;
    this.bias_hh = bias ? uniformParameter([gates * hiddenSize], bound, opts) : null;
  }

  /** `inputSize=…, hiddenSize=…`. */
  override extraRepr(): string {
    return `inputSize=${this.inputSize}, hiddenSize=${this.hiddenSize}`;
  }

  /** One step from input `x` `[N, inputSize]` and the previous state (zeros when `h` is absent). */
  protected step(x: Tensor, h: Tensor | undefined, c: Tensor | null): { h: Tensor; c: Tensor | null } {
    if (x.rank !== 2 || x.shape[1] !== this.inputSize)
      throw new LayerConfigError(`${this.constructor.name}: input [${x.shape.join(', ')}] should be [N, ${this.inputSize}]`);
    const h0 = h ?? zeros([x.shape[0], this.hiddenSize], { dtype: x.dtype, device: x.device });
    let xw = x.matmul(this.weight_ih.transpose(0, 1));
    if (this.bias_ih) xw = xw.add(this.bias_ih);
    return cellStep(this.kind, xw, h0, c, { weightHh: this.weight_hh, biasHh: this.bias_hh });
  }
}

/** An Elman cell: `h' = tanh(W_ih·x + b_ih + W_hh·h + b_hh)` (or relu). */
export class RNNCell extends CellBase<Tensor> {
  protected readonly kind: CellKind;
  constructor(inputSize: number, hiddenSize: number, opts: CellOptions = {}) {
    super(inputSize, hiddenSize, 1, opts);
    this.kind = opts.nonlinearity === 'relu' ? 'rnn_relu' : 'rnn_tanh';
  }
  forward(x: Tensor, h?: Tensor): Tensor {
    return scope(() => this.step(x, h, null).h);
  }
}

/** An LSTM cell (gates i, f, g, o); state `{ h, c }`. */
export class LSTMCell extends CellBase<{ h: Tensor; c: Tensor }> {
  protected readonly kind: CellKind = 'lstm';
  constructor(inputSize: number, hiddenSize: number, opts: CellOptions = {}) {
    super(inputSize, hiddenSize, 4, opts);
  }
  forward(x: Tensor, state?: { h: Tensor; c: Tensor }): { h: Tensor; c: Tensor } {
    return scope(() => {
      const c0 = state?.c ?? zeros([x.shape[0], this.hiddenSize], { dtype: x.dtype, device: x.device });
      const out = this.step(x, state?.h, c0);
      return { h: out.h, c: out.c! };
    });
  }
}

/** A GRU cell (gates r, z, n). */
export class GRUCell extends CellBase<Tensor> {
  protected readonly kind: CellKind = 'gru';
  constructor(inputSize: number, hiddenSize: number, opts: CellOptions = {}) {
    super(inputSize, hiddenSize, 3, opts);
  }
  forward(x: Tensor, h?: Tensor): Tensor {
    return scope(() => this.step(x, h, null).h);
  }
}
