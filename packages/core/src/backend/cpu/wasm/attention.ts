/**
 * Fused f32 attention on the WASM kernels: scores = Q·Kᵀ (K read transposed through its
 * strides) into heap scratch, scaled, masked, soft-maxed in place, then P·V into the output.
 * One scratch buffer of batch·Lq·Lk floats replaces the composite's five temporaries.
 */
import type { TensorView } from '../../backend';
import { wasmBinary } from './elementwise';
import { wasmMatmul } from './gemm';
import { withOperands } from './operands';
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

export function wasmAttention(rt: WasmRuntime, pool: ThreadPool, [q, k, v, mask]: TensorView[], out: TensorView, scale: number, causal: boolean): boolean {
  if (![q, k, v, out, ...(mask ? [mask] : [])].every((t) => t.dtype === 'float32')) return false;
  const r = q.shape.length;
  const [lq, lk] = [q.shape[r - 2], k.shape[r - 2]];
  const batch = q.shape.slice(0, r - 2);
  const size = batch.reduce((p, d) => p * d, 1) * lq * lk;
  if (size === 0) return false;
  withOperands(rt.heap, (ops) => {
    const ptr = ops.scratch(size * 4 + 4);
    const scores = new Float32Array(rt.heap.buffer, ptr, size);
    const factor = new Float32Array(rt.heap.buffer, ptr + size * 4, 1);
    factor[0] = scale;
    const sv = dense(scores, [...batch, lq, lk]);
    const kT: TensorView = { ...k, shape: [...batch, k.shape[r - 1], lk], strides: [...k.strides.slice(0, r - 2), k.strides[r - 1], k.strides[r - 2]] };
    wasmMatmul(rt, pool, q, kT, sv);
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
    wasmMatmul(rt, pool, sv, v, out);
  });
  return true;
}
