/**
 * WASM elementwise kernels for f32: binary arithmetic (add, sub, mul, div, maximum, minimum) and
 * the common unary ops, over any views that collapse to at most three levels with a dense or
 * broadcast innermost dim. Everything else returns false and the TypeScript kernel runs.
 */
import type { TensorView } from '../../backend';
import type { BinaryOp, UnaryOp } from '../../../ops/spec';
import { type Collapsed, collapseDims, contiguousStrides } from '../../../shape';
import { offsets } from '../strided';
import { withOperands } from './operands';
import type { ThreadPool } from './pool';
import type { WasmRuntime } from './runtime';

const BINARY_IDS: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5 };
const UNARY_IDS: Partial<Record<UnaryOp, number>> = { neg: 0, abs: 1, sqrt: 2, exp: 3, log: 4, tanh: 5, sigmoid: 6, relu: 7, erf: 8, rsqrt: 9, recip: 10 };
/** GELU's ids in the same unary kernel. */
export const GELU_IDS = { none: 11, tanh: 12 } as const;

/** Elements per chunk when an op is split across threads (about 0.1 ms of work for add). */
export const ELEMENTS_PER_CHUNK = 1 << 16;

const f32 = (...vs: TensorView[]) => vs.every((v) => v.dtype === 'float32');

/**
 * Pads a collapsed shape on the left to exactly three levels (outer, rows, cols), or returns
 * null when it has more. Missing levels get size 1 and stride 0.
 */
function threeLevels(c: Collapsed): Collapsed | null {
  if (c.shape.length > 3) return null;
  const pad = 3 - c.shape.length;
  return {
    shape: [...new Array<number>(pad).fill(1), ...c.shape],
    strides: c.strides.map((s) => [...new Array<number>(pad).fill(0), ...s]),
  };
}

/** Runs a binary op in WASM; false when the op or layout is not covered. */
export function wasmBinary(rt: WasmRuntime, pool: ThreadPool, op: BinaryOp, a: TensorView, b: TensorView, out: TensorView): boolean {
  const id = BINARY_IDS[op];
  if (id === undefined || !f32(a, b, out)) return false;
  const c = threeLevels(collapseDims(out.shape, [a.strides, b.strides, contiguousStrides(out.shape)]));
  if (!c) return false;
  const [outer, rows, cols] = c.shape;
  const [[ao, ar, ac], [bo, br, bc]] = c.strides;
  if ((ac !== 0 && ac !== 1) || (bc !== 0 && bc !== 1)) return false;
  withOperands(rt.heap, (ops) => {
    const args = [id, outer, rows, cols, ops.input(a), ao, ar, ac, ops.input(b), bo, br, bc, ops.output(out)];
    // split the outermost level that has more than one element
    if (outer > 1)
      pool.rows('graft_binary', args, 1, outer, Math.max(1, Math.floor(ELEMENTS_PER_CHUNK / (rows * cols))), [
        [4, ao * 4],
        [8, bo * 4],
        [12, rows * cols * 4],
      ]);
    else if (rows > 1)
      pool.rows('graft_binary', args, 2, rows, Math.max(1, Math.floor(ELEMENTS_PER_CHUNK / cols)), [
        [4, ar * 4],
        [8, br * 4],
        [12, cols * 4],
      ]);
    else
      pool.rows('graft_binary', args, 3, cols, ELEMENTS_PER_CHUNK, [
        [4, ac * 4],
        [8, bc * 4],
        [12, 4],
      ]);
  });
  return true;
}

/** Runs unary kernel `id` (a UnaryOp or GELU) on a view whose rows are dense. */
export function wasmUnaryId(rt: WasmRuntime, pool: ThreadPool, id: number, x: TensorView, out: TensorView): boolean {
  if (!f32(x, out)) return false;
  const c = collapseDims(x.shape, [x.strides]);
  if (c.shape.length > 2) return false;
  const cols = c.shape.length ? c.shape[c.shape.length - 1] : 1;
  const rows = c.shape.length === 2 ? c.shape[0] : 1;
  const colStride = c.shape.length ? c.strides[0][c.shape.length - 1] : 1;
  const xr = c.shape.length === 2 ? c.strides[0][0] : 0;
  if (colStride !== 1) return false;
  withOperands(rt.heap, (ops) => {
    const args = [id, rows, cols, ops.input(x), xr, ops.output(out)];
    if (rows > 1)
      pool.rows('graft_unary', args, 1, rows, Math.max(1, Math.floor(ELEMENTS_PER_CHUNK / cols)), [
        [3, xr * 4],
        [5, cols * 4],
      ]);
    else
      pool.rows('graft_unary', args, 2, cols, ELEMENTS_PER_CHUNK, [
        [3, 4],
        [5, 4],
      ]);
  });
  return true;
}

/** Runs a unary op in WASM; false when the op or layout is not covered. */
export function wasmUnary(rt: WasmRuntime, pool: ThreadPool, op: UnaryOp, x: TensorView, out: TensorView): boolean {
  const id = UNARY_IDS[op];
  return id !== undefined && wasmUnaryId(rt, pool, id, x, out);
}

/**
 * A strided view of a 4-byte dtype into a dense output, a row of its innermost (dense) dim at a
 * time; false for other layouts, other dtypes and rows too long for the per-row cost to matter.
 */
export function wasmCopyRows(rt: WasmRuntime, x: TensorView, out: TensorView): boolean {
  if (!(x.dtype === 'float32' || x.dtype === 'int32') || x.dtype !== out.dtype) return false;
  const c = collapseDims(x.shape, [x.strides]);
  const r = c.shape.length;
  if (r < 2 || c.strides[0][r - 1] !== 1 || c.shape[r - 1] >= 1024) return false;
  const len = c.shape[r - 1];
  const starts = offsets(c.shape.slice(0, r - 1), c.strides[0].slice(0, r - 1), x.offset);
  withOperands(rt.heap, (ops) => {
    const base = ops.input(x) - x.offset * 4;
    const sp = ops.scratch(starts.length * 4);
    new Int32Array(rt.heap.buffer, sp, starts.length).set(starts);
    rt.x.graft_copy_rows(starts.length, len, sp, base, ops.output(out));
  });
  return true;
}
