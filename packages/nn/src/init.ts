/**
 * Initialisers. Each overwrites a tensor in place (through `assign`, so parameters keep their
 * identity) with values from the seeded generator, and returns it. Samples are drawn on the host
 * in float64, rounded to the tensor's dtype on the host and then uploaded to the tensor's device
 * (one write; no float64 tensor is ever made on the device, since WebGPU has none): initialisation
 * runs once, and this keeps a seeded init bit-identical on every backend. Semantics follow
 * `torch.nn.init`.
 */
import { ArgumentError, defaultGenerator, type Generator, scope, type Tensor, tensor } from '@graft/core';

/** Options shared by the random initialisers. */
export interface InitOptions {
  /** The generator to draw from (the global one when omitted). */
  generator?: Generator;
}

/** Nonlinearities `calculateGain` knows. */
export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'conv_transpose2d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

/** The recommended gain for a nonlinearity (as `torch.nn.init.calculate_gain`). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv_transpose2d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new ArgumentError(`calculateGain: unknown nonlinearity '${String(nonlinearity)}'`);
  }
}

/** Fan-in and fan-out of a weight: dims 1 and 0 times the receptive field (the dims after 1). */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) throw new ArgumentError(`fan in and fan out need a tensor of at least 2 dims, got [${shape.join(', ')}]`);
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

function fill(t: Tensor, values: Float64Array): Tensor {
  // `tensor` converts to t.dtype on the host, the same rounding as a float64 → float32 cast
  scope(() => void t.assign(tensor(values, { shape: t.shape, dtype: t.dtype, device: t.device })));
  return t;
}

/** Fills with `value`. */
export function constant(t: Tensor, value: number): Tensor {
  return fill(t, new Float64Array(t.size).fill(value));
}

/** Fills with zeros. */
export const zeros = (t: Tensor): Tensor => constant(t, 0);
/** Fills with ones. */
export const ones = (t: Tensor): Tensor => constant(t, 1);

/** Uniform on `[low, high)`. */
export function uniform(t: Tensor, low = 0, high = 1, opts: InitOptions = {}): Tensor {
  const u = (opts.generator ?? defaultGenerator()).uniform(t.size, 'float64');
  for (let i = 0; i < u.length; i++) u[i] = low + (high - low) * u[i];
  return fill(t, u);
}

/** Normal with `mean` and `std`. */
export function normal(t: Tensor, mean = 0, std = 1, opts: InitOptions = {}): Tensor {
  return fill(t, (opts.generator ?? defaultGenerator()).normal(t.size, 'float64', mean, std));
}

/**
 * Normal with `mean` and `std`, redrawn until inside `[a, b]` (absolute bounds, as
 * `torch.nn.init.trunc_normal_`). Rejection sampling gives exactly the truncated distribution;
 * bounds that reject almost everything are refused rather than looping for long.
 */
export function truncNormal(t: Tensor, mean = 0, std = 1, a = -2, b = 2, opts: InitOptions = {}): Tensor {
  if (!(a < b)) throw new ArgumentError(`truncNormal needs a < b, got [${a}, ${b}]`);
  const gen = opts.generator ?? defaultGenerator();
  const out = new Float64Array(t.size);
  let filled = 0;
  for (let round = 0; filled < out.length; round++) {
    if (round === 200) throw new ArgumentError(`truncNormal: [${a}, ${b}] holds too little of N(${mean}, ${std}²) to sample from`);
    const draw = gen.normal(Math.max(16, 2 * (out.length - filled)), 'float64', mean, std);
    for (let i = 0; i < draw.length && filled < out.length; i++) if (draw[i] >= a && draw[i] <= b) out[filled++] = draw[i];
  }
  return fill(t, out);
}

/** Xavier/Glorot uniform: bound `gain·sqrt(6/(fanIn+fanOut))`. */
export function xavierUniform(t: Tensor, gain = 1, opts: InitOptions = {}): Tensor {
  const { fanIn, fanOut } = fans(t.shape);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(t, -bound, bound, opts);
}

/** Xavier/Glorot normal: std `gain·sqrt(2/(fanIn+fanOut))`. */
export function xavierNormal(t: Tensor, gain = 1, opts: InitOptions = {}): Tensor {
  const { fanIn, fanOut } = fans(t.shape);
  return normal(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), opts);
}

/** Options of the Kaiming (He) initialisers. */
export interface KaimingOptions extends InitOptions {
  /** Negative slope of the rectifier after this layer (only for 'leaky_relu'; default 0). */
  a?: number;
  /** Preserve the variance of the forward ('fan_in', default) or backward ('fan_out') pass. */
  mode?: 'fan_in' | 'fan_out';
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, o: KaimingOptions): number {
  const { fanIn, fanOut } = fans(t.shape);
  const fan = (o.mode ?? 'fan_in') === 'fan_in' ? fanIn : fanOut;
  return calculateGain(o.nonlinearity ?? 'leaky_relu', o.a ?? 0) / Math.sqrt(fan);
}

/** Kaiming/He uniform: bound `sqrt(3)·gain/sqrt(fan)`. */
export function kaimingUniform(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, opts);
  return uniform(t, -bound, bound, opts);
}

/** Kaiming/He normal: std `gain/sqrt(fan)`. */
export function kaimingNormal(t: Tensor, opts: KaimingOptions = {}): Tensor {
  return normal(t, 0, kaimingStd(t, opts), opts);
}

/**
 * A (semi-)orthogonal matrix (rows × the rest flattened) times `gain`, from the QR decomposition
 * of a normal matrix with R's diagonal made positive, as `torch.nn.init.orthogonal_`. Modified
 * Gram-Schmidt yields exactly that factor, since its R has a positive diagonal by construction.
 */
export function orthogonal(t: Tensor, gain = 1, opts: InitOptions = {}): Tensor {
  if (t.rank < 2) throw new ArgumentError(`orthogonal needs at least 2 dims, got [${t.shape.join(', ')}]`);
  const rows = t.shape[0];
  const cols = t.size / rows;
  const a = (opts.generator ?? defaultGenerator()).normal(t.size, 'float64');
  // work on the tall orientation m × n (m ≥ n): columns get orthonormalised
  const [m, n] = rows < cols ? [cols, rows] : [rows, cols];
  const at = (i: number, j: number) => (rows < cols ? j * cols + i : i * cols + j);
  const q = Array.from({ length: n }, (_, j) => Float64Array.from({ length: m }, (_, i) => a[at(i, j)]));
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += q[k][i] * q[j][i];
      for (let i = 0; i < m; i++) q[j][i] -= dot * q[k][i];
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += q[j][i] * q[j][i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) q[j][i] /= norm;
  }
  const out = new Float64Array(t.size);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[at(i, j)] = gain * q[j][i];
  return fill(t, out);
}
