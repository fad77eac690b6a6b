/**
 * Batches on the training device. A batch is a tensor or a plain object (or array) of tensors
 * and other values (the contract's `TextBatch`); collate builds it on the CPU and the Trainer
 * moves its tensors to `args.device` inside the step's scope, so the copies are freed with it.
 */
import { Tensor } from '@graft/core';

/** `batch` with every tensor on `device` (tensors already there are kept as they are). */
export function batchToDevice<B>(batch: B, device: string): B {
  if (batch instanceof Tensor) return (batch.device === device ? batch : batch.to(device)) as B;
  if (Array.isArray(batch)) return batch.map((v) => batchToDevice(v, device)) as B;
  if (batch !== null && typeof batch === 'object' && Object.getPrototypeOf(batch) === Object.prototype) {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(batch)) {
      out[k] = batchToDevice(v, device);
      changed ||= out[k] !== v;
    }
    return (changed ? out : batch) as B;
  }
  return batch;
}

/** The number of examples in a batch: the first axis of its first tensor (0 when it has none). */
export function batchSizeOf(batch: unknown): number {
  if (batch instanceof Tensor) return batch.shape[0] ?? 1;
  const values = Array.isArray(batch) ? batch : batch !== null && typeof batch === 'object' ? Object.values(batch) : [];
  for (const v of values) {
    const n = batchSizeOf(v);
    if (n > 0) return n;
  }
  return 0;
}
