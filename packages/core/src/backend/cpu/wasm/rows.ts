/**
 * WASM row kernels for f32: sum/max/min reductions, softmax and logSoftmax, layerNorm and the
 * AdamW update. Each recognises the layouts training produces (reducing trailing or leading
 * dims, normalising the last dim of dense or row-strided data) and returns false otherwise, so
 * the TypeScript kernel runs.
 */
import type { TensorView } from '../../backend';
import type { KernelAttrs, ReduceOp } from '../../../ops/spec';
import { collapseDims } from '../../../shape';
import { ELEMENTS_PER_CHUNK } from './elementwise';
import { withOperands } from './operands';
import type { ThreadPool } from './pool';
import type { WasmRuntime } from './runtime';

const REDUCE_IDS: Partial<Record<ReduceOp, number>> = { sum: 0, max: 1, min: 2 };
const f32 = (...vs: TensorView[]) => vs.every((v) => v.dtype === 'float32');
const rowsPerChunk = (n: number) => Math.max(1, Math.floor(ELEMENTS_PER_CHUNK / Math.max(1, n)));

/**
 * The view as rows of `n` dense elements along its last `inner` dims: [rows, n, row stride],
 * or null when those dims are not dense or the leading dims do not collapse to one stride.
 */
function asRows(v: TensorView, inner: number): [number, number, number] | null {
  const r = v.shape.length;
  const tail = collapseDims(v.shape.slice(r - inner), [v.strides.slice(r - inner)]);
  const n = tail.shape.reduce((p, q) => p * q, 1);
  if (tail.shape.length > 1 || (tail.shape.length === 1 && tail.strides[0][0] !== 1)) return null;
  const head = collapseDims(v.shape.slice(0, r - inner), [v.strides.slice(0, r - inner)]);
  if (head.shape.length > 1) return null;
  return [head.shape.length ? head.shape[0] : 1, n, head.shape.length ? head.strides[0][0] : 0];
}

export function wasmReduce(rt: WasmRuntime, pool: ThreadPool, op: ReduceOp, axes: readonly number[], x: TensorView, out: TensorView): boolean {
  const id = REDUCE_IDS[op];
  if (id === undefined || !f32(x, out)) return false;
  const r = x.shape.length;
  const reduced = axes.reduce((p, a) => p * x.shape[a], 1);
  if (reduced === 0) return false;
  // group dims into runs of kept (K) / reduced (R) dims, each run collapsed to one dim if it can
  const runs: { kept: boolean; size: number; stride: number }[] = [];
  for (let d = 0; d < r; d++) {
    if (x.shape[d] === 1) continue;
    const kept = !axes.includes(d);
    const last = runs[runs.length - 1];
    if (last && last.kept === kept && last.stride === x.strides[d] * x.shape[d]) {
      last.size *= x.shape[d];
      last.stride = x.strides[d];
    } else runs.push({ kept, size: x.shape[d], stride: x.strides[d] });
  }
  const pattern = runs.map((u) => (u.kept ? 'K' : 'R')).join('');
  return withOperands(rt.heap, (ops) => {
    const xp = () => ops.input(x);
    if ((pattern === 'R' || pattern === 'KR') && runs[runs.length - 1].stride === 1) {
      const [rows, xr] = pattern === 'R' ? [1, 0] : [runs[0].size, runs[0].stride];
      const n = runs[runs.length - 1].size;
      pool.rows('graft_reduce_rows', [id, rows, n, xp(), xr, ops.output(out)], 1, rows, rowsPerChunk(n), [
        [3, xr * 4],
        [5, 4],
      ]);
      return true;
    }
    if ((pattern === 'RK' || pattern === 'KRK') && runs[runs.length - 1].stride === 1) {
      const [o, red, kept] = pattern === 'RK' ? [null, runs[0], runs[1]] : runs;
      rt.x.graft_reduce_cols(id, o ? o.size : 1, red.size, kept.size, xp(), o ? o.stride : 0, red.stride, ops.output(out));
      return true;
    }
    return false;
  });
}

export function wasmSoftmax(rt: WasmRuntime, pool: ThreadPool, x: TensorView, out: TensorView, axis: number, log: boolean): boolean {
  if (!f32(x, out) || axis !== x.shape.length - 1) return false;
  const rows = asRows(x, 1);
  if (!rows) return false;
  const [m, n, xr] = rows;
  withOperands(rt.heap, (ops) => {
    pool.rows('graft_softmax_rows', [m, n, ops.input(x), xr, ops.output(out), log ? 1 : 0], 0, m, rowsPerChunk(n), [
      [2, xr * 4],
      [4, n * 4],
    ]);
  });
  return true;
}

export function wasmLayerNorm(
  rt: WasmRuntime,
  pool: ThreadPool,
  x: TensorView,
  w: TensorView,
  b: TensorView,
  out: TensorView,
  dims: number,
  eps: number,
): boolean {
  if (!f32(x, w, b, out)) return false;
  const rows = asRows(x, dims);
  const wr = asRows(w, w.shape.length);
  const br = asRows(b, b.shape.length);
  if (!rows || !wr || !br) return false;
  const [m, n, xr] = rows;
  if (wr[1] !== n || br[1] !== n) return false;
  withOperands(rt.heap, (ops) => {
    const args = [m, n, ops.input(x), xr, ops.input(w), ops.input(b), eps, ops.output(out)];
    pool.rows('graft_layernorm_rows', args, 0, m, rowsPerChunk(n), [
      [2, xr * 4],
      [7, n * 4],
    ]);
  });
  return true;
}

export function wasmAdamW(rt: WasmRuntime, pool: ThreadPool, [p, g, m, v]: TensorView[], outs: TensorView[], s: KernelAttrs['adamwUpdate']): boolean {
  if (!f32(p, g, m, v, ...outs)) return false;
  const n = outs[0].shape.reduce((a, d) => a * d, 1);
  for (const t of [p, g, m, v]) {
    const c = collapseDims(t.shape, [t.strides]);
    if (c.shape.length > 1 || (c.shape.length === 1 && c.strides[0][0] !== 1)) return false;
  }
  withOperands(rt.heap, (ops) => {
    const args = [n, ops.input(p), ops.input(g), ops.input(m), ops.input(v), ...outs.map((o) => ops.output(o))];
    args.push(s.beta1, s.beta2, s.eps, s.decay, s.stepSize, s.sqrtBiasCorrection2);
    pool.rows('graft_adamw', args, 0, n, ELEMENTS_PER_CHUNK, [
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
      [5, 4],
      [6, 4],
      [7, 4],
    ]);
  });
  return true;
}
