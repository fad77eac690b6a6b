/**
 * Multi-layer, optionally bidirectional RNN, LSTM and GRU over whole sequences, with PyTorch's
 * parameter names (`weight_ih_l0`, `bias_hh_l1_reverse`, …), layouts and `batchFirst = false`
 * default, so torch checkpoints load. Variable lengths come as a `lengths` array or a `[N, T]`
 * mask of valid steps (a prefix of each row, as `pack_padded_sequence` assumes): padded steps
 * output zeros and leave the state alone, so the final state is the one at each row's last
 * valid step, and the reverse direction starts at each row's own end.
 */
import { arange, concat, dropout, formatShape, type Generator, scope, shapesEqual, stack, type Tensor, tensor, where, zeros } from '@graft/core';
import { LayerConfigError } from '../errors';
import { Module } from '../module/module';
import type { Parameter } from '../module/parameter';
import { type CellKind, cellStep, GATES } from './rnn-cells';
import { checkPositive, checkProbability, type FactoryOptions, uniformParameter } from './factory';

/** Options of RNN, LSTM and GRU. */
export interface RecurrentOptions extends FactoryOptions {
  numLayers?: number;
  bias?: boolean;
  /** Inputs and outputs are `[N, T, F]` (true) or `[T, N, F]` (false, PyTorch's default). */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, while training. */
  dropout?: number;
  bidirectional?: boolean;
}

/** Per-call options: which steps of each sequence are real. */
export interface SequenceOptions {
  /** The length of each sequence in the batch. */
  lengths?: readonly number[];
  /** `[N, T]` bool (or 0/1) mask of valid steps. */
  mask?: Tensor;
}

/** The result of a recurrent layer: outputs `[T, N, D·H]` (or batch first) and final states `[L·D, N, H]`. */
export interface RecurrentOutput {
  output: Tensor;
  h: Tensor;
  /** The final cell state (LSTM only). */
  c?: Tensor;
}

/** The initial state: `h` (and `c` for LSTM), `[L·D, N, H]`, zeros when omitted. */
export interface RecurrentState {
  h?: Tensor;
  c?: Tensor;
}

abstract class RecurrentBase extends Module<[Tensor, RecurrentState?, SequenceOptions?], RecurrentOutput> {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  generator: Generator | undefined;

  constructor(
    protected readonly kind: CellKind,
    readonly inputSize: number,
    readonly hiddenSize: number,
    opts: RecurrentOptions,
  ) {
    super();
    const name = this.constructor.name;
    checkPositive(name, 'inputSize', inputSize);
    checkPositive(name, 'hiddenSize', hiddenSize);
    this.numLayers = opts.numLayers ?? 1;
    checkPositive(name, 'numLayers', this.numLayers);
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    checkProbability(name, 'dropout', this.dropout);
    this.bidirectional = opts.bidirectional ?? false;
    this.generator = opts.generator;
    const gates = GATES[kind] * hiddenSize;
    const bound = 1 / Math.sqrt(hiddenSize);
    const dirs = this.bidirectional ? 2 : 1;
    for (let l = 0; l < this.numLayers; l++) {
      const layerIn = l === 0 ? inputSize : hiddenSize * dirs;
      for (const sfx of this.#suffixes()) {
        this.registerParameter(`weight_ih_l${l}${sfx}`, uniformParameter([gates, layerIn], bound, opts));
        this.registerParameter(`weight_hh_l${l}${sfx}`, uniformParameter([gates, hiddenSize], bound, opts));
        if (this.bias) {
          this.registerParameter(`bias_ih_l${l}${sfx}`, uniformParameter([gates], bound, opts));
          this.registerParameter(`bias_hh_l${l}${sfx}`, uniformParameter([gates], bound, opts));
        }
      }
    }
  }

  #suffixes(): string[] {
    return this.bidirectional ? ['', '_reverse'] : [''];
  }

  #param(name: string): Parameter | null {
    return (this as unknown as Record<string, Parameter | null>)[name] ?? null;
  }

  /** `[N, T]` float validity mask, or null when every step is valid. */
  #validMask(n: number, t: number, seq: SequenceOptions, dtype: Tensor['dtype'], device: string): Tensor | null {
    if (seq.lengths) {
      if (seq.lengths.length !== n || seq.lengths.some((l) => !Number.isInteger(l) || l < 1 || l > t)) {
        throw new LayerConfigError(`${this.constructor.name}: lengths [${seq.lengths.join(', ')}] must be ${n} integers in [1, ${t}]`);
      }
      const valid = new Float64Array(n * t);
      seq.lengths.forEach((len, b) => valid.fill(1, b * t, b * t + len));
      return tensor(valid, { shape: [n, t], dtype, device });
    }
    if (seq.mask) {
      if (!shapesEqual(seq.mask.shape, [n, t])) {
        throw new LayerConfigError(`${this.constructor.name}: mask ${formatShape(seq.mask.shape)} should be [${n}, ${t}]`);
      }
      return seq.mask.cast(dtype);
    }
    return null;
  }

  /** Per row, `len−1−t` for valid steps and `t` for padding: reverses each sequence within its length. */
  #reverseIndex(valid: Tensor | null, n: number, t: number, device: string): Tensor {
    const steps = arange(t, undefined, 1, { dtype: 'int32', device }).reshape(1, t);
    const lengths = valid ? valid.sum(1, true).cast('int32') : tensor([[t]], { dtype: 'int32', device });
    return where(steps.lt(lengths), lengths.sub(1).sub(steps), steps).expand(n, t);
  }

  #runDirection(x: Tensor, layer: number, sfx: string, h0: Tensor, c0: Tensor | null, valid: Tensor | null): { out: Tensor; h: Tensor; c: Tensor | null } {
    const [, t] = x.shape;
    const wih = this.#param(`weight_ih_l${layer}${sfx}`)!;
    const bih = this.#param(`bias_ih_l${layer}${sfx}`);
    const weights = { weightHh: this.#param(`weight_hh_l${layer}${sfx}`)!, biasHh: this.#param(`bias_hh_l${layer}${sfx}`) };
    // the input projection of every step in one matmul
    let xw = x.matmul(wih.transpose(0, 1));
    if (bih) xw = xw.add(bih);
    let h = h0;
    let c = c0;
    const outs: Tensor[] = [];
    for (let s = 0; s < t; s++) {
      const next = cellStep(this.kind, xw.narrow(1, s, 1).squeeze(1), h, c, weights);
      if (valid) {
        const v = valid.narrow(1, s, 1).gt(0);
        h = where(v, next.h, h);
        if (c) c = where(v, next.c!, c);
        outs.push(where(v, next.h, 0));
      } else {
        h = next.h;
        c = next.c;
        outs.push(next.h);
      }
    }
    return { out: stack(outs, 1), h, c };
  }

  /** `inputSize=…, hiddenSize=…, numLayers=…, bidirectional=…, batchFirst=…`. */
  override extraRepr(): string {
    return `inputSize=${this.inputSize}, hiddenSize=${this.hiddenSize}, numLayers=${this.numLayers}, bidirectional=${this.bidirectional}, batchFirst=${this.batchFirst}`;
  }

  forward(input: Tensor, state: RecurrentState = {}, seq: SequenceOptions = {}): RecurrentOutput {
    const name = this.constructor.name;
    if (input.rank !== 3 || input.shape[2] !== this.inputSize)
      throw new LayerConfigError(`${name}: input [${input.shape.join(', ')}] should have ${this.inputSize} features and 3 dims`);
    return scope(() => {
      let x = this.batchFirst ? input : input.transpose(0, 1);
      const [n, t] = x.shape;
      const dirs = this.bidirectional ? 2 : 1;
      const stateShape = [this.numLayers * dirs, n, this.hiddenSize];
      for (const [k, s] of [
        ['h', state.h],
        ['c', state.c],
      ] as const) {
        if (s && !shapesEqual(s.shape, stateShape))
          throw new LayerConfigError(`${name}: initial ${k} ${formatShape(s.shape)} should be ${formatShape(stateShape)}`);
      }
      const zero = () => zeros(stateShape, { dtype: x.dtype, device: x.device });
      const h0 = state.h ?? zero();
      const c0 = this.kind === 'lstm' ? (state.c ?? zero()) : null;
      const valid = this.#validMask(n, t, seq, x.dtype, x.device);
      const reverse = this.bidirectional ? this.#reverseIndex(valid, n, t, x.device) : null;
      const hs: Tensor[] = [];
      const cs: Tensor[] = [];
      for (let l = 0; l < this.numLayers; l++) {
        const outs: Tensor[] = [];
        this.#suffixes().forEach((sfx, d) => {
          const idx = l * dirs + d;
          const flip = (u: Tensor) => u.gather(1, reverse!.reshape(n, t, 1).expand(n, t, u.shape[2]));
          const r = this.#runDirection(d === 0 ? x : flip(x), l, sfx, h0.narrow(0, idx, 1).squeeze(0), c0 ? c0.narrow(0, idx, 1).squeeze(0) : null, valid);
          outs.push(d === 0 ? r.out : flip(r.out));
          hs.push(r.h);
          if (r.c) cs.push(r.c);
        });
        x = outs.length === 1 ? outs[0] : concat(outs, 2);
        if (this.dropout > 0 && l < this.numLayers - 1) x = dropout(x, this.dropout, this.training, { generator: this.generator });
      }
      const output = this.batchFirst ? x : x.transpose(0, 1);
      const result: RecurrentOutput = { output, h: stack(hs, 0) };
      if (this.kind === 'lstm') result.c = stack(cs, 0);
      return result;
    });
  }
}

/** An Elman RNN with tanh (default) or relu. */
export class RNN extends RecurrentBase {
  constructor(inputSize: number, hiddenSize: number, opts: RecurrentOptions & { nonlinearity?: 'tanh' | 'relu' } = {}) {
    super(opts.nonlinearity === 'relu' ? 'rnn_relu' : 'rnn_tanh', inputSize, hiddenSize, opts);
  }
}

/** A long short-term memory network (gates i, f, g, o); returns `{ output, h, c }`. */
export class LSTM extends RecurrentBase {
  constructor(inputSize: number, hiddenSize: number, opts: RecurrentOptions = {}) {
    super('lstm', inputSize, hiddenSize, opts);
  }
}

/** A gated recurrent unit network (gates r, z, n). */
export class GRU extends RecurrentBase {
  constructor(inputSize: number, hiddenSize: number, opts: RecurrentOptions = {}) {
    super('gru', inputSize, hiddenSize, opts);
  }
}
