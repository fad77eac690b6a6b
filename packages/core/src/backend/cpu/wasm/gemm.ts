/**
 * The WASM matmul kernel: f32 `[...batch, M, K] @ [...batch, K, N]` on the GEMM of gemm.c.
 * Transposed and sliced operands are read through their strides (packing absorbs them), batch
 * dims that A can walk as extra rows against a broadcast B fold into M (the `x @ Wᵀ` of a
 * Linear layer over [batch, seq, hidden] is one GEMM, not one per sequence), each distinct B is
 * packed once (or, in a batch of small products with a B each, by its task right before use),
 * and the tasks (row × column blocks per batch) are shared among the threads.
 */
import type { TensorView } from '../../backend';
import { offsets } from '../strided';
import { withOperands } from './operands';
import type { ThreadPool } from './pool';
import type { WasmRuntime } from './runtime';

/** Below this many flops one thread finishes before others could wake up. */
const PARALLEL_FLOPS = 1 << 21;

/** Whether dims [from, to] of a view can be walked as one dim with stride `strides[to]`. */
function foldable(shape: readonly number[], strides: readonly number[], from: number, to: number): boolean {
  for (let d = from; d < to; d++) if (shape[d] !== 1 && strides[d] !== strides[d + 1] * shape[d + 1]) return false;
  return true;
}

export function wasmMatmul(rt: WasmRuntime, pool: ThreadPool, a: TensorView, b: TensorView, out: TensorView): void {
  const r = a.shape.length;
  let [m, k] = [a.shape[r - 2], a.shape[r - 1]];
  const n = b.shape[r - 1];
  let batch = a.shape.slice(0, r - 2);
  const [as0, as1] = [a.strides[r - 2], a.strides[r - 1]];
  const [bs0, bs1] = [b.strides[r - 2], b.strides[r - 1]];
  let aBatch: Int32Array | number[];
  let bBatch: Int32Array | number[];
  if (batch.length && b.strides.slice(0, r - 2).every((s) => s === 0) && foldable(a.shape, a.strides, 0, r - 2)) {
    m *= batch.reduce((p, q) => p * q, 1);
    batch = [];
    [aBatch, bBatch] = [[a.offset], [b.offset]];
  } else {
    aBatch = offsets(batch, a.strides.slice(0, r - 2), a.offset);
    bBatch = offsets(batch, b.strides.slice(0, r - 2), b.offset);
  }
  const batches = aBatch.length;
  if (batches === 0 || m === 0 || n === 0) return;
  const x = rt.x;
  const nr = x.graft_gemm_panel_width();
  withOperands(rt.heap, (ops) => {
    const aBase = ops.input(a) - a.offset * 4;
    const bBase = ops.input(b) - b.offset * 4;
    const cBase = ops.output(out);
    // split into row blocks (multiples of 4) and, when rows alone give too few tasks, column
    // blocks (multiples of the panel width)
    const threads = 2 * m * n * k * batches >= PARALLEL_FLOPS ? pool.threads : 1;
    let rpb = m;
    let cpb = n;
    if (threads > 1) {
      const want = 4 * threads;
      const mBlocks = Math.max(1, Math.min(Math.ceil(m / 32), Math.ceil(want / batches)));
      rpb = Math.ceil(m / mBlocks / 4) * 4;
      const have = batches * Math.ceil(m / rpb);
      if (have < want) {
        const nBlocks = Math.min(Math.ceil(n / (4 * nr)), Math.ceil(want / have));
        cpb = Math.ceil(n / nBlocks / nr) * nr;
      }
    }
    const mb = Math.ceil(m / rpb);
    const nb = Math.ceil(n / cpb);
    // a batch of products with a B each, one row block per batch: each task packs its own B
    // columns right before using them (see graft_gemm_task); otherwise each distinct B is
    // packed once here (batch-broadcast weights are shared by every batch), into one block
    const distinct = [...new Set(bBatch)];
    const ownB = batches > 1 && distinct.length === batches && mb === 1 && k * Math.ceil(cpb / nr) * nr <= x.graft_gemm_task_b_floats();
    const packed = new Map<number, number>();
    if (!ownB) {
      const panelBytes = Math.ceil(n / nr) * nr * k * 4;
      const panels = ops.scratch(distinct.length * panelBytes);
      distinct.forEach((off, i) => {
        const p = panels + i * panelBytes;
        x.graft_gemm_pack_b(k, n, bBase + off * 4, bs0, bs1, p);
        packed.set(off, p);
      });
    }
    const desc = ops.scratch((13 + 3 * batches) * 4);
    const D = new Int32Array(rt.heap.buffer, desc, 13 + 3 * batches);
    D.set([m, n, k, as0, as1, rpb, mb, cpb, nb, batches, ownB ? 1 : 0, bs0, bs1]);
    for (let i = 0; i < batches; i++) {
      D[13 + 3 * i] = aBase + aBatch[i] * 4;
      D[14 + 3 * i] = ownB ? bBase + bBatch[i] * 4 : packed.get(bBatch[i])!;
      D[15 + 3 * i] = cBase + i * m * n * 4;
    }
    pool.gemm(desc, batches * mb * nb);
  });
}
