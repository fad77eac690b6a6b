/**
 * Convolutions as composites of core primitives: zero padding, strided slices that gather every
 * kernel tap at once (im2col), then one batched matmul per group. Transposed convolution is the
 * adjoint: a matmul into columns, then each tap placed back with stride-dilation and padding
 * (col2im), so no flip primitive is needed. Shapes and semantics follow `torch.nn.functional`.
 */
import { scope, ShapeError, stack, type Tensor } from '@graft/core';
import { LayerConfigError } from '../errors';

/** A size per spatial dim, or one for all. */
export type Size2 = number | readonly [number, number];

/** Options of conv2d. */
export interface Conv2dOptions {
  stride?: Size2;
  /** Zero padding per side, or 'valid' (none) / 'same' (output size = input size; stride 1 only). */
  padding?: Size2 | 'valid' | 'same';
  dilation?: Size2;
  groups?: number;
}

/** Expands a Size2 to [h, w], checking each is a positive (or non-negative) integer. */
export function pair(name: string, v: Size2, min = 1): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (p.some((d) => !Number.isInteger(d) || d < min)) throw new LayerConfigError(`${name} must be integers ≥ ${min}, got [${p.join(', ')}]`);
  return p;
}

/** `[before, after]` zero padding of H and W for a padding option. */
function paddingOf(
  padding: Conv2dOptions['padding'],
  kernel: [number, number],
  dilation: [number, number],
  stride: [number, number],
): [[number, number], [number, number]] {
  if (padding === 'valid' || padding === undefined)
    return [
      [0, 0],
      [0, 0],
    ];
  if (padding === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) throw new LayerConfigError("padding 'same' needs stride 1");
    // PyTorch puts the odd extra element after
    return [0, 1].map((i) => {
      const total = dilation[i] * (kernel[i] - 1);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    }) as [[number, number], [number, number]];
  }
  const [ph, pw] = pair('padding', padding, 0);
  return [
    [ph, ph],
    [pw, pw],
  ];
}

/**
 * Every kernel tap of `x` `[N, C, H, W]` (already padded): `[N, C, kh·kw, Ho, Wo]`, tap index
 * `i·kw + j` matching the weight's `[kh, kw]` flattening.
 */
export function im2col(x: Tensor, kernel: [number, number], stride: [number, number], dilation: [number, number]): Tensor {
  const [, , h, w] = x.shape;
  const ho = Math.floor((h - dilation[0] * (kernel[0] - 1) - 1) / stride[0]) + 1;
  const wo = Math.floor((w - dilation[1] * (kernel[1] - 1) - 1) / stride[1]) + 1;
  if (ho <= 0 || wo <= 0) throw new ShapeError(`kernel [${kernel.join(', ')}] with dilation [${dilation.join(', ')}] does not fit input ${h}×${w}`);
  return scope(() => {
    const taps: Tensor[] = [];
    for (let i = 0; i < kernel[0]; i++) {
      for (let j = 0; j < kernel[1]; j++) {
        const r0 = i * dilation[0];
        const c0 = j * dilation[1];
        taps.push(x.slice([null, null, [r0, r0 + stride[0] * (ho - 1) + 1, stride[0]], [c0, c0 + stride[1] * (wo - 1) + 1, stride[1]]]));
      }
    }
    return stack(taps, 2);
  });
}

/** 2-D convolution of `[N, Cin, H, W]` with `weight` `[Cout, Cin/groups, kh, kw]`. */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, opts: Conv2dOptions = {}): Tensor {
  const groups = opts.groups ?? 1;
  if (x.rank !== 4 || weight.rank !== 4)
    throw new ShapeError(`conv2d needs input [N, C, H, W] and weight [O, C/g, kh, kw], got [${x.shape.join(', ')}] and [${weight.shape.join(', ')}]`);
  const [n, cin] = x.shape;
  const [cout, cinPerGroup, kh, kw] = weight.shape;
  if (!Number.isInteger(groups) || groups < 1 || cin % groups !== 0 || cout % groups !== 0 || cinPerGroup * groups !== cin) {
    throw new ShapeError(`conv2d: input channels ${cin}, weight [${weight.shape.join(', ')}] and groups ${groups} do not fit`);
  }
  const stride = pair('stride', opts.stride ?? 1);
  const dilation = pair('dilation', opts.dilation ?? 1);
  const pad = paddingOf(opts.padding, [kh, kw], dilation, stride);
  return scope(() => {
    const padded = pad.flat().some((p) => p > 0) ? x.pad([[0, 0], [0, 0], pad[0], pad[1]]) : x;
    const cols = im2col(padded, [kh, kw], stride, dilation);
    const [, , , ho, wo] = cols.shape;
    const k = cinPerGroup * kh * kw;
    const lhs = weight.reshape(groups, cout / groups, k);
    const out = lhs.matmul(cols.reshape(n, groups, k, ho * wo)).reshape(n, cout, ho, wo);
    return bias ? out.add(bias.reshape(1, cout, 1, 1)) : out;
  });
}

/** 1-D convolution of `[N, Cin, L]` with `weight` `[Cout, Cin/groups, k]` (conv2d with height 1). */
export function conv1d(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  opts: { stride?: number; padding?: number | 'valid' | 'same'; dilation?: number; groups?: number } = {},
): Tensor {
  if (x.rank !== 3 || weight.rank !== 3)
    throw new ShapeError(`conv1d needs input [N, C, L] and weight [O, C/g, k], got [${x.shape.join(', ')}] and [${weight.shape.join(', ')}]`);
  const padding = typeof opts.padding === 'number' ? ([0, opts.padding] as const) : opts.padding;
  return scope(() =>
    conv2d(x.unsqueeze(2), weight.unsqueeze(2), bias, {
      stride: [1, opts.stride ?? 1],
      padding,
      dilation: [1, opts.dilation ?? 1],
      groups: opts.groups,
    }).squeeze(2),
  );
}

/** Options of convTranspose2d. */
export interface ConvTranspose2dOptions {
  stride?: Size2;
  padding?: Size2;
  outputPadding?: Size2;
  dilation?: Size2;
  groups?: number;
}

/** Inserts `s − 1` zeros between neighbours along `axis` (the adjoint of a strided slice). */
function dilateAxis(x: Tensor, axis: number, s: number): Tensor {
  if (s === 1) return x;
  const shape = [...x.shape];
  const len = shape[axis];
  // [.., len, 1, ..] padded to [.., len, s, ..] and merged: each element followed by s − 1 zeros
  const widths = [...shape, 1].map((_, i) => (i === axis + 1 ? [0, s - 1] : [0, 0]) as [number, number]);
  const spread = x.unsqueeze(axis + 1).pad(widths);
  shape[axis] = len * s;
  return spread.reshape(shape).narrow(axis, 0, (len - 1) * s + 1);
}

/**
 * Transposed 2-D convolution of `[N, Cin, H, W]` with `weight` `[Cin, Cout/groups, kh, kw]`
 * (PyTorch's layout): output side `(H−1)·s − 2p + d·(k−1) + outputPadding + 1`.
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, opts: ConvTranspose2dOptions = {}): Tensor {
  const groups = opts.groups ?? 1;
  if (x.rank !== 4 || weight.rank !== 4 || weight.shape[0] !== x.shape[1] || x.shape[1] % groups !== 0) {
    throw new ShapeError(`convTranspose2d: input [${x.shape.join(', ')}], weight [${weight.shape.join(', ')}] and groups ${groups} do not fit`);
  }
  const [n, cin, h, w] = x.shape;
  const [, coutPerGroup, kh, kw] = weight.shape;
  const cout = coutPerGroup * groups;
  const stride = pair('stride', opts.stride ?? 1);
  const dilation = pair('dilation', opts.dilation ?? 1);
  const padding = pair('padding', opts.padding ?? 0, 0);
  const outPad = pair('outputPadding', opts.outputPadding ?? 0, 0);
  if (outPad[0] >= Math.max(stride[0], dilation[0]) || outPad[1] >= Math.max(stride[1], dilation[1])) {
    throw new LayerConfigError(`outputPadding [${outPad.join(', ')}] must be smaller than stride or dilation`);
  }
  const full = [0, 1].map((i) => ([h, w][i] - 1) * stride[i] + dilation[i] * ([kh, kw][i] - 1) + 1 + outPad[i]);
  const out = [0, 1].map((i) => full[i] - 2 * padding[i]);
  if (out.some((d) => d <= 0)) throw new ShapeError(`convTranspose2d: padding [${padding.join(', ')}] leaves no output`);
  return scope(() => {
    const cinG = cin / groups;
    // columns: for every output channel and tap, the contribution of each input position
    const wt = weight.reshape(groups, cinG, coutPerGroup * kh * kw).transpose(1, 2);
    const cols = wt.matmul(x.reshape(n, groups, cinG, h * w)).reshape(n, cout, kh * kw, h, w);
    const spread = dilateAxis(dilateAxis(cols, 3, stride[0]), 4, stride[1]);
    const [sh, sw] = spread.shape.slice(3);
    const parts: Tensor[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const tap = spread.narrow(2, i * kw + j, 1).squeeze(2);
        const top = i * dilation[0];
        const left = j * dilation[1];
        parts.push(
          tap.pad([
            [0, 0],
            [0, 0],
            [top, full[0] - top - sh],
            [left, full[1] - left - sw],
          ]),
        );
      }
    }
    let y = parts.length === 1 ? parts[0] : stack(parts, 0).sum(0);
    y = y.narrow(2, padding[0], out[0]).narrow(3, padding[1], out[1]);
    return bias ? y.add(bias.reshape(1, cout, 1, 1)) : y;
  });
}
