/**
 * The plain-memory variant (pages without SharedArrayBuffer): tensors stay ordinary typed arrays
 * off the heap, so every kernel call copies its operands into scratch and its output back. The
 * kernels are called directly here on such arrays and compared with the TypeScript reference.
 */
import { describe, expect, it } from 'vitest';
import { expectClose } from '../../../../../../test-utils/close';
import type { TensorView } from '../../backend';
import { cpuKernels } from '../index';
import { wasmBinary } from './elementwise';
import { wasmMatmul } from './gemm';
import { ThreadPool } from './pool';
import { wasmSoftmax } from './rows';
import { loadWasmRuntime } from './runtime';

const rt = loadWasmRuntime({ shared: false });

function view(data: Float32Array, shape: number[], strides?: number[], offset = 0): TensorView {
  const dense = shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));
  return { buffer: data, dtype: 'float32', shape, strides: strides ?? dense, offset };
}
const random = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 2);

describe.skipIf(!rt)('WASM kernels on a plain (unshared) memory', () => {
  it('loads the plain variant, which owns no tensor storage and runs on one thread', () => {
    expect(rt!.shared).toBe(false);
    expect(rt!.heap.owns(new Float32Array(4))).toBe(false);
    const pool = new ThreadPool(rt!, 4);
    expect(pool.parallel(100)).toBe(false);
  });

  it('copies operands in and results out, and frees the scratch', () => {
    const pool = new ThreadPool(rt!, 1);
    const live = rt!.heap.liveBytes;
    // a transposed A with an offset, B dense
    const a = random(7 + 40 * 30);
    const b = random(40 * 9);
    const [av, bv] = [view(a, [30, 40], [1, 30], 7), view(b, [40, 9])];
    const [fast, ref] = [new Float32Array(30 * 9), new Float32Array(30 * 9)];
    wasmMatmul(rt!, pool, av, bv, view(fast, [30, 9]));
    cpuKernels.matmul([av, bv], view(ref, [30, 9]), {});
    expectClose(fast, ref, { atol: 1e-5 });
    const [x, y] = [random(6 * 11), random(11)];
    const [s1, s2] = [new Float32Array(66), new Float32Array(66)];
    expect(wasmBinary(rt!, pool, 'sub', view(x, [6, 11]), view(y, [6, 11], [0, 1]), view(s1, [6, 11]))).toBe(true);
    cpuKernels.binary([view(x, [6, 11]), view(y, [6, 11], [0, 1])], view(s2, [6, 11]), { op: 'sub' });
    expect(Array.from(s1)).toEqual(Array.from(s2));
    const sm = new Float32Array(66);
    expect(wasmSoftmax(rt!, pool, view(x, [6, 11]), view(sm, [6, 11]), 1, false)).toBe(true);
    expect(sm.slice(0, 11).reduce((p, q) => p + q, 0)).toBeCloseTo(1, 6);
    // every scratch block went back: only the pool's own control block and workspace remain
    expect(rt!.heap.liveBytes).toBe(live);
  });
});
