/**
 * Pooling and nearest upsampling as composites: max and average pooling reduce the im2col taps,
 * adaptive average pooling averages PyTorch's start/end windows (separably: rows, then
 * columns), and nearest upsampling gathers source rows and columns. 1-D forms run as 2-D with
 * height 1.
 */
import { ones, scope, ShapeError, stack, type Tensor, tensor } from '@graft/core';
import { LayerConfigError } from '../errors';
import { im2col, pair, type Size2 } from './conv';

/** Options of maxPool2d / avgPool2d. */
export interface Pool2dOptions {
  /** Defaults to the kernel size. */
  stride?: Size2;
  padding?: Size2;
  dilation?: Size2;
  /** Round the output size up, so a last partial window is kept. */
  ceilMode?: boolean;
}

/** Output length and the extra right padding ceil mode needs, as PyTorch computes them. */
function outLength(len: number, k: number, s: number, p: number, d: number, ceil: boolean): { out: number; extra: number } {
  const span = len + 2 * p - d * (k - 1) - 1;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  // the last window must start inside the input or the left padding
  if (ceil && (out - 1) * s >= len + p) out -= 1;
  if (out <= 0) throw new ShapeError(`pooling window ${k} (dilation ${d}, padding ${p}) does not fit length ${len}`);
  return { out, extra: Math.max(0, (out - 1) * s + d * (k - 1) + 1 - (len + 2 * p)) };
}

function poolTaps(x: Tensor, kernel: Size2, opts: Pool2dOptions, fill: number): { taps: Tensor; counts: (includePad: boolean) => Tensor } {
  if (x.rank !== 4) throw new ShapeError(`2-D pooling needs [N, C, H, W], got [${x.shape.join(', ')}]`);
  const k = pair('kernel', kernel);
  const s = pair('stride', opts.stride ?? k);
  const p = pair('padding', opts.padding ?? 0, 0);
  const d = pair('dilation', opts.dilation ?? 1);
  if (p[0] * 2 > k[0] || p[1] * 2 > k[1]) throw new LayerConfigError(`padding [${p.join(', ')}] must be at most half the kernel [${k.join(', ')}]`);
  const [h, w] = x.shape.slice(2);
  const rows = outLength(h, k[0], s[0], p[0], d[0], opts.ceilMode ?? false);
  const cols = outLength(w, k[1], s[1], p[1], d[1], opts.ceilMode ?? false);
  const widths: [number, number][] = [
    [0, 0],
    [0, 0],
    [p[0], p[0] + rows.extra],
    [p[1], p[1] + cols.extra],
  ];
  const taps = im2col(x.pad(widths, fill), k, s, d);
  // how many elements each window averages: padding counts or not; the ceil-mode overhang never does
  const counts = (includePad: boolean) => {
    const inner = ones([1, 1, h, w], { dtype: x.dtype, device: x.device });
    const region = includePad
      ? inner.pad(
          [
            [0, 0],
            [0, 0],
            [p[0], p[0]],
            [p[1], p[1]],
          ],
          1,
        )
      : inner.pad([
          [0, 0],
          [0, 0],
          [p[0], p[0]],
          [p[1], p[1]],
        ]);
    return im2col(
      region.pad([
        [0, 0],
        [0, 0],
        [0, rows.extra],
        [0, cols.extra],
      ]),
      k,
      s,
      d,
    ).sum(2);
  };
  return { taps, counts };
}

/** Max over each window of `[N, C, H, W]` (padding never wins). */
export function maxPool2d(x: Tensor, kernel: Size2, opts: Pool2dOptions = {}): Tensor {
  return scope(() => poolTaps(x, kernel, opts, -Infinity).taps.max(2));
}

/** Mean over each window of `[N, C, H, W]`; padding counts unless `countIncludePad` is false. */
export function avgPool2d(
  x: Tensor,
  kernel: Size2,
  opts: Omit<Pool2dOptions, 'dilation'> & { countIncludePad?: boolean; divisorOverride?: number } = {},
): Tensor {
  return scope(() => {
    const { taps, counts } = poolTaps(x, kernel, opts, 0);
    const sum = taps.sum(2);
    return opts.divisorOverride ? sum.div(opts.divisorOverride) : sum.div(counts(opts.countIncludePad ?? true));
  });
}

/** Max pooling over `[N, C, L]`. */
export function maxPool1d(x: Tensor, kernel: number, opts: { stride?: number; padding?: number; dilation?: number; ceilMode?: boolean } = {}): Tensor {
  return scope(() =>
    maxPool2d(x.unsqueeze(2), [1, kernel], {
      stride: [1, opts.stride ?? kernel],
      padding: [0, opts.padding ?? 0],
      dilation: [1, opts.dilation ?? 1],
      ceilMode: opts.ceilMode,
    }).squeeze(2),
  );
}

/** Average pooling over `[N, C, L]`. */
export function avgPool1d(x: Tensor, kernel: number, opts: { stride?: number; padding?: number; ceilMode?: boolean; countIncludePad?: boolean } = {}): Tensor {
  return scope(() =>
    avgPool2d(x.unsqueeze(2), [1, kernel], {
      stride: [1, opts.stride ?? kernel],
      padding: [0, opts.padding ?? 0],
      ceilMode: opts.ceilMode,
      countIncludePad: opts.countIncludePad,
    }).squeeze(2),
  );
}

/** Averages `axis` into `out` windows `[floor(i·L/out), ceil((i+1)·L/out))`. */
function adaptiveAxis(x: Tensor, axis: number, out: number): Tensor {
  const len = x.shape[axis];
  if (out === len) return x;
  const windows = Array.from({ length: out }, (_, i) => {
    const start = Math.floor((i * len) / out);
    const end = Math.ceil(((i + 1) * len) / out);
    return x.narrow(axis, start, end - start).mean(axis);
  });
  return stack(windows, axis);
}

/** Average pooling of `[N, C, H, W]` to a fixed output size. */
export function adaptiveAvgPool2d(x: Tensor, outputSize: Size2): Tensor {
  if (x.rank !== 4) throw new ShapeError(`adaptiveAvgPool2d needs [N, C, H, W], got [${x.shape.join(', ')}]`);
  const [oh, ow] = pair('outputSize', outputSize);
  return scope(() => adaptiveAxis(adaptiveAxis(x, 2, oh), 3, ow));
}

/** Average pooling of `[N, C, L]` to a fixed length. */
export function adaptiveAvgPool1d(x: Tensor, outputSize: number): Tensor {
  if (x.rank !== 3) throw new ShapeError(`adaptiveAvgPool1d needs [N, C, L], got [${x.shape.join(', ')}]`);
  pair('outputSize', outputSize);
  return scope(() => adaptiveAxis(x, 2, outputSize));
}

/**
 * Nearest-neighbour upsampling of `[N, C, L]` or `[N, C, H, W]` to `size`, or by `scaleFactor`:
 * output index i reads input `floor(i · in / out)` (PyTorch's 'nearest').
 */
export function upsampleNearest(x: Tensor, opts: { size?: number | readonly number[]; scaleFactor?: number | readonly number[] }): Tensor {
  const spatial = x.rank - 2;
  if (spatial !== 1 && spatial !== 2) throw new ShapeError(`upsample needs [N, C, L] or [N, C, H, W], got [${x.shape.join(', ')}]`);
  const inSizes = x.shape.slice(2);
  const asList = (v: number | readonly number[]) => (typeof v === 'number' ? inSizes.map(() => v) : [...v]);
  let outSizes: number[];
  let scales: number[];
  if (opts.size !== undefined) {
    outSizes = asList(opts.size);
    scales = outSizes.map((o, i) => inSizes[i] / o);
  } else if (opts.scaleFactor !== undefined) {
    const factors = asList(opts.scaleFactor);
    outSizes = factors.map((f, i) => Math.floor(inSizes[i] * f));
    // PyTorch indexes with the given factor, not the one the rounded size implies
    scales = factors.map((f) => 1 / f);
  } else throw new LayerConfigError('upsample needs size or scaleFactor');
  if (outSizes.length !== spatial || outSizes.some((d) => !Number.isInteger(d) || d <= 0))
    throw new LayerConfigError(`upsample: bad output size [${outSizes.join(', ')}]`);
  return scope(() => {
    let y = x;
    outSizes.forEach((out, i) => {
      const src = Int32Array.from({ length: out }, (_, j) => Math.min(Math.floor(j * scales[i]), inSizes[i] - 1));
      y = y.indexSelect(2 + i, tensor(src, { device: x.device }));
    });
    return y;
  });
}
