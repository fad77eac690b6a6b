/**
 * WASM backward kernels for f32 GELU (dense x and gradient, split across threads) and layerNorm
 * (input gradient per row across threads, then the weight and bias gradients as column sums).
 */
import type { TensorView } from '../../backend';
import { collapseDims } from '../../../shape';
import { ELEMENTS_PER_CHUNK } from './elementwise';
import { withOperands } from './operands';
import type { ThreadPool } from './pool';
import type { WasmRuntime } from './runtime';

const dense = (v: TensorView) => {
  const c = collapseDims(v.shape, [v.strides]);
  return c.shape.length === 0 || (c.shape.length === 1 && c.strides[0][0] === 1);
};
const f32 = (...vs: TensorView[]) => vs.every((v) => v.dtype === 'float32');

export function wasmGeluBackward(rt: WasmRuntime, pool: ThreadPool, x: TensorView, g: TensorView, out: TensorView, approximate: 'none' | 'tanh'): boolean {
  if (!f32(x, g, out) || !dense(x) || !dense(g)) return false;
  const n = out.shape.reduce((p, d) => p * d, 1);
  withOperands(rt.heap, (ops) => {
    pool.rows('graft_gelu_backward', [n, ops.input(x), ops.input(g), ops.output(out), approximate === 'tanh' ? 1 : 0], 0, n, ELEMENTS_PER_CHUNK, [
      [1, 4],
      [2, 4],
      [3, 4],
    ]);
  });
  return true;
}

export function wasmLayerNormBackward(
  rt: WasmRuntime,
  pool: ThreadPool,
  x: TensorView,
  w: TensorView,
  g: TensorView,
  [gradX, gradW, gradB]: TensorView[],
  dims: number,
  eps: number,
): boolean {
  if (!f32(x, w, g, gradX, gradW, gradB) || !dense(w) || !dense(g)) return false;
  const r = x.shape.length;
  const tail = collapseDims(x.shape.slice(r - dims), [x.strides.slice(r - dims)]);
  const head = collapseDims(x.shape.slice(0, r - dims), [x.strides.slice(0, r - dims)]);
  if (tail.shape.length !== 1 || tail.strides[0][0] !== 1 || head.shape.length > 1) return false;
  const n = tail.shape[0];
  const rows = head.shape.length ? head.shape[0] : 1;
  const xr = head.shape.length ? head.strides[0][0] : 0;
  withOperands(rt.heap, (ops) => {
    const [xp, wp, gp, o] = [ops.input(x), ops.input(w), ops.input(g), ops.output(gradX)];
    const stats = ops.scratch(rows * 8);
    const args = [rows, n, xp, xr, wp, gp, eps, o, stats];
    pool.rows('graft_layernorm_backward_rows', args, 0, rows, Math.max(1, Math.floor(ELEMENTS_PER_CHUNK / n)), [
      [2, xr * 4],
      [5, n * 4],
      [7, n * 4],
      [8, 8],
    ]);
    rt.x.graft_layernorm_backward_params(rows, n, xp, xr, gp, stats, ops.output(gradW), ops.output(gradB));
  });
  return true;
}
