/**
 * Dispatches and submits per bert-tiny training step (forward + cross-entropy + backward +
 * AdamW) on the WebGPU backend, from the stream's own counters, with the dispatches broken down
 * by op. The counts do not depend on the batch or the load (only shapes' sizes change), so this
 * runs a small batch: `node --conditions=@graft/source --import tsx bench/webgpu/dispatch-count.ts
 * [batch] [seq]`. The webgpu suite reports the same count (`dispatchCount`).
 */
import { create, globals } from 'webgpu';
import { registerWebGPU } from '@graft/core/webgpu';
import type { WebGPUBackend } from '@graft/core/webgpu';
import { BERT_TINY_SHAPE, bertStep } from './bert-step';

/** Per-step counts of one training step, after a warm-up step. */
export interface StepCounts {
  /** Compute dispatches (buffer copies of dense views are not dispatches and are not counted). */
  dispatches: number;
  /** Command buffers submitted (every 32 dispatches, and at the loss read). */
  submits: number;
  /** Dispatches by the op name the kernel gives the stream (`binary:mul`, `layerNorm`, …). */
  byOp: Record<string, number>;
}

/** Runs one warm-up step, then counts the dispatches and submits of the next one by op. */
export async function countStep(backend: WebGPUBackend, batch: number, seq: number): Promise<StepCounts> {
  const stream = backend.stream;
  const step = bertStep(BERT_TINY_SHAPE, backend.name, batch, seq);
  await step.step();
  const byOp: Record<string, number> = {};
  const dispatch = stream.dispatch;
  stream.dispatch = function (op, ...rest) {
    byOp[op] = (byOp[op] ?? 0) + 1;
    return dispatch.call(this, op, ...rest);
  };
  const before = { ...stream.counters };
  try {
    await step.step();
  } finally {
    stream.dispatch = dispatch;
  }
  return {
    dispatches: stream.counters.dispatches - before.dispatches,
    submits: stream.counters.submits - before.submits,
    byOp,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  Object.assign(globalThis, globals);
  const backend = (await registerWebGPU({ required: true, gpu: create([]) }))!;
  const [batch, seq] = [Number(process.argv[2] ?? 2), Number(process.argv[3] ?? 16)];
  const c = await countStep(backend, batch, seq);
  console.log(`bert-tiny step (batch ${batch}, seq ${seq}): ${c.dispatches} dispatches, ${c.submits} submits`);
  for (const [op, n] of Object.entries(c.byOp).sort((a, b) => b[1] - a[1])) console.log(`${String(n).padStart(6)}  ${op}`);
  process.exit(0);
}
