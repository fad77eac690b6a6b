/**
 * Fused f32 attention on the WASM kernels: scores = Q·Kᵀ (K read transposed through its
 * strides) into heap scratch, scaled, masked, soft-maxed in place, then P·V into the output.
 * One scratch buffer of batch·Lq·Lk floats replaces the composite's five temporaries.
 *
 * Its backward recomputes P the same way and runs four GEMMs around one row pass (softmax's
 * backward, scaled, in place): dV = Pᵀ·g, dP = g·Vᵀ, dS = P∘(dP − rowsum(P∘dP))·scale,
 * dQ = dS·K, dK = dSᵀ·Q, every transpose read through strides. Differentiating the composite
 * instead ran P·V again, about ten elementwise passes over [batch, Lq, Lk] for the softmax and
 * the scale, and a copy of dK out of its transposed layout.
 */
import type { TensorView } from '../../backend';
import { ELEMENTS_PER_CHUNK, wasmBinary } from './elementwise';
import { wasmMatmul } from './gemm';
import { type Operands, withOperands } from './operands';
import type { ThreadPool } from './pool';
import { wasmSoftmax } from './rows';
import type { WasmRuntime } from './runtime';

function dense(buffer: Float32Array, shape: number[]): TensorView {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return { buffer, dtype: 'float32', shape, strides, offset: 0 };
}

/** The view with its last two dims swapped (no copy). */
function transposed(t: TensorView): TensorView {
  const r = t.shape.length;
  const swap = (xs: readonly number[]) => [...xs.slice(0, r - 2), xs[r - 1], xs[r - 2]];
  return { ...t, shape: swap(t.shape), strides: swap(t.strides) };
}

/** P = softmax(Q·Kᵀ·scale + mask, causal) into heap scratch of batch·Lq·Lk floats; null when empty. */
function weights(
  rt: WasmRuntime,
  pool: ThreadPool,
  ops: Operands,
  q: TensorView,
  k: TensorView,
  mask: TensorView | undefined,
  scale: number,
  causal: boolean,
): TensorView | null {
  const r = q.shape.length;
  const [lq, lk] = [q.shape[r - 2], k.shape[r - 2]];
  const batch = q.shape.slice(0, r - 2);
  const size = batch.reduce((p, d) => p * d, 1) * lq * lk;
  if (size === 0) return null;
  const ptr = ops.scratch(size * 4 + 4);
  const scores = new Float32Array(rt.heap.buffer, ptr, size);
  const factor = new Float32Array(rt.heap.buffer, ptr + size * 4, 1);
  factor[0] = scale;
  const sv = dense(scores, [...batch, lq, lk]);
  wasmMatmul(rt, pool, q, transposed(k), sv);
  const scalar: TensorView = { buffer: factor, dtype: 'float32', shape: sv.shape, strides: sv.shape.map(() => 0), offset: 0 };
  wasmBinary(rt, pool, 'mul', sv, scalar, sv);
  if (mask && !wasmBinary(rt, pool, 'add', sv, mask, sv)) {
    // a mask layout the kernel does not take: add it element by element
    const m = mask.buffer as Float32Array;
    let i = 0;
    const walk = (d: number, off: number) => {
      if (d === r) scores[i++] += m[off];
      else for (let j = 0; j < sv.shape[d]; j++) walk(d + 1, off + j * mask.strides[d]);
    };
    walk(0, mask.offset);
  }
  if (causal) {
    for (let base = 0; base < size; base += lq * lk) {
      for (let i = 0; i < lq; i++) for (let j = Math.max(0, i + (lk - lq) + 1); j < lk; j++) scores[base + i * lk + j] = -Infinity;
    }
  }
  wasmSoftmax(rt, pool, sv, sv, r - 1, false);
  return sv;
}

export function wasmAttention(rt: WasmRuntime, pool: ThreadPool, [q, k, v, mask]: TensorView[], out: TensorView, scale: number, causal: boolean): boolean {
  if (![q, k, v, out, ...(mask ? [mask] : [])].every((t) => t.dtype === 'float32')) return false;
  return withOperands(rt.heap, (ops) => {
    const p = weights(rt, pool, ops, q, k, mask, scale, causal);
    if (p) wasmMatmul(rt, pool, p, v, out);
    return p !== null;
  });
}

/** Attention's gradients [dQ, dK, dV] from [q, k, v, gradOut, mask?]; false where the WASM path does not apply. */
export function wasmAttentionBackward(
  rt: WasmRuntime,
  pool: ThreadPool,
  [q, k, v, g, mask]: TensorView[],
  outs: TensorView[],
  scale: number,
  causal: boolean,
): boolean {
  if (![q, k, v, g, ...outs, ...(mask ? [mask] : [])].every((t) => t.dtype === 'float32')) return false;
  const [dq, dk, dv] = outs;
  return withOperands(rt.heap, (ops) => {
    const p = weights(rt, pool, ops, q, k, mask, scale, causal);
    if (!p) return false;
    wasmMatmul(rt, pool, transposed(p), g, dv);
    const size = p.shape.reduce((a, d) => a * d, 1);
    const ds = dense(new Float32Array(rt.heap.buffer, ops.scratch(size * 4), size), [...p.shape]);
    wasmMatmul(rt, pool, g, transposed(v), ds);
    const n = p.shape[p.shape.length - 1];
    const rows = size / n;
    pool.rows('graft_softmax_backward_rows', [rows, n, ops.input(p), ops.output(ds), scale], 0, rows, Math.max(1, Math.floor(ELEMENTS_PER_CHUNK / n)), [
      [2, n * 4],
      [3, n * 4],
    ]);
    wasmMatmul(rt, pool, ds, k, dq);
    wasmMatmul(rt, pool, transposed(ds), q, dk);
    return true;
  });
}
