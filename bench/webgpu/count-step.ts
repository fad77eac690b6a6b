/**
 * Dispatches and submits per training step of a bert-shaped model on the WebGPU backend, from
 * the stream's own counters, with the dispatches broken down by op (used by dispatch-count.ts,
 * the webgpu suite and the real-GPU bundle).
 */
import type { WebGPUBackend } from '@graft/core/webgpu';
import { BERT_TINY_SHAPE, type BertShape, bertStep } from './bert-step';

/** Per-step counts of one training step, after a warm-up step. */
export interface StepCounts {
  /** Compute dispatches (buffer copies of dense views are not dispatches and are not counted). */
  dispatches: number;
  /** Command buffers submitted (every 32 dispatches, and at the loss read). */
  submits: number;
  /** Dispatches by the op name the kernel gives the stream (`binary:mul`, `layerNorm`, …). */
  byOp: Record<string, number>;
}

/** Runs one warm-up step of a bert-shaped model, then counts the dispatches and submits of the next one by op. */
export async function countStep(backend: WebGPUBackend, batch: number, seq: number, shape: BertShape = BERT_TINY_SHAPE): Promise<StepCounts> {
  const stream = backend.stream;
  const step = bertStep(shape, backend.name, batch, seq);
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
    step.dispose();
  }
  return {
    dispatches: stream.counters.dispatches - before.dispatches,
    submits: stream.counters.submits - before.submits,
    byOp,
  };
}
