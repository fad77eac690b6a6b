/**
 * Teacher logits computed once, for offline distillation: a pass of the teacher over the
 * training rows in order (eval mode, no gradients, one memory scope per batch), kept as one
 * CPU tensor `[N, classes]` (or `[N, L, classes]` for token tasks, padded to the longest row).
 * A distillation step then takes the rows of its batch by example index (the batch's `idx`
 * field) instead of running the teacher. `@graft/distill/node` stores them on disk.
 */
import { concat, formatShape, noGrad, pad, scope, Tensor } from '@graft/core';
import type { AnyModule } from '@graft/nn';
import { DistillError } from './errors';

/** Rows the teacher runs over, in order: an array, or anything with `length` and `get(i)` (a @graft/data `Dataset`). */
export type RowSource<Row> =
  | readonly Row[]
  | {
      /** The number of rows. */
      readonly length: number;
      /** Row `i`. */
      get(i: number): Row;
    };

/** A model whose `call(inputs)` returns `{ logits }` (every @graft/models task model). */
export type LogitsModel = AnyModule & {
  /** The forward pass over a collated batch. */
  call(inputs: never): { logits: Tensor };
};

/** Options of {@link computeTeacherLogits}. */
export interface ComputeTeacherLogitsOptions<Row, B> {
  /** Rows → the batch the teacher takes (@graft/data's `padCollate`, for instance). */
  collate: (rows: Row[]) => B;
  /** Rows per teacher batch (default 32). */
  batchSize?: number;
  /** Called after each batch with the rows done and the total (for a progress line). */
  onProgress?: (done: number, total: number) => void;
}

/** Teacher logits by example index (see the file comment). */
export class TeacherLogits {
  /** `[N, classes]` or `[N, L, classes]`, on the CPU. */
  readonly logits: Tensor;
  readonly #onDevice = new Map<string, Tensor>();

  /** Wraps `logits` (`[N, classes]` or `[N, L, classes]`), taking ownership: `dispose()` frees them. */
  constructor(logits: Tensor) {
    if (logits.rank !== 2 && logits.rank !== 3) {
      throw new DistillError('distill_cache', `teacher logits must be [examples, classes] or [examples, length, classes], got ${formatShape(logits.shape)}`);
    }
    this.logits = logits.keep();
  }

  /** The number of examples. */
  get length(): number {
    return this.logits.shape[0];
  }

  /**
   * The rows of examples `indices` (int32 `[B]`, on the batch's device), on that device; token
   * logits are cut to `length` positions (the batch's padded length).
   */
  take(indices: Tensor, length?: number): Tensor {
    if (indices.rank !== 1 || indices.dtype !== 'int32') {
      throw new DistillError('distill_cache', `example indices must be int32 [B], got ${indices.dtype} ${formatShape(indices.shape)}`, { field: 'idx' });
    }
    if (indices.device === 'cpu') {
      for (const i of indices.dataSync()) {
        if (!(i >= 0 && i < this.length)) {
          throw new DistillError(
            'distill_cache',
            `example index ${i} is outside the cached teacher logits (${this.length} examples): the cache was computed for another dataset`,
            { field: 'idx' },
          );
        }
      }
    }
    const all = this.#on(indices.device);
    const rows = all.indexSelect(0, indices);
    if (all.rank === 2 || length === undefined) return rows;
    if (length > all.shape[1]) {
      throw new DistillError('distill_cache', `the batch is ${length} tokens long, but the cached teacher logits hold ${all.shape[1]} positions`, {
        field: 'idx',
      });
    }
    return rows.slice([null, [0, length]]);
  }

  /** The logits on `device`, moved there once and kept. */
  #on(device: string): Tensor {
    if (device === this.logits.device) return this.logits;
    let t = this.#onDevice.get(device);
    if (!t) {
      t = this.logits.to(device).keep();
      this.#onDevice.set(device, t);
    }
    return t;
  }

  /** Frees the logits (and their copies on other devices). */
  dispose(): void {
    for (const t of this.#onDevice.values()) t.dispose();
    this.#onDevice.clear();
    this.logits.dispose();
  }
}

/** The batch with its top-level tensors on `device` (collate builds batches on the CPU). */
function onDevice<B>(batch: B, device: string): B {
  if (batch instanceof Tensor) return (batch.device === device ? batch : batch.to(device)) as B;
  if (batch === null || typeof batch !== 'object' || Object.getPrototypeOf(batch) !== Object.prototype) return batch;
  return Object.fromEntries(Object.entries(batch).map(([k, v]) => [k, v instanceof Tensor && v.device !== device ? v.to(device) : v])) as B;
}

/**
 * Runs `teacher` over every row, in order, and returns its logits (see the file comment). The
 * teacher is put in eval mode for the pass and its mode restored afterwards. Batches go to the
 * teacher's device, and logits on another device than the CPU are read back with `toAsync`.
 */
export async function computeTeacherLogits<Row, B>(
  teacher: LogitsModel,
  rows: RowSource<Row>,
  opts: ComputeTeacherLogitsOptions<Row, B>,
): Promise<TeacherLogits> {
  const { collate, batchSize = 32, onProgress } = opts;
  if (typeof collate !== 'function')
    throw new DistillError('distill_config', 'computeTeacherLogits: pass collate, rows → batch (e.g. padCollate())', { field: 'collate' });
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new DistillError('distill_config', `computeTeacherLogits: batchSize must be a positive integer, got ${batchSize}`, { field: 'batchSize' });
  }
  const n = rows.length;
  if (n === 0) throw new DistillError('distill_config', 'computeTeacherLogits: there are no rows to run the teacher on', { field: 'rows' });
  const get = (i: number) => (Array.isArray(rows) ? (rows as readonly Row[])[i] : (rows as { get(i: number): Row }).get(i));
  const device = teacher.parameters()[0]?.device ?? 'cpu';
  const wasTraining = teacher.training;
  teacher.eval();
  const parts: Tensor[] = [];
  try {
    for (let start = 0; start < n; start += batchSize) {
      const batchRows = Array.from({ length: Math.min(batchSize, n - start) }, (_, k) => get(start + k));
      const logits = scope(() => noGrad(() => teacher.call(onDevice(collate(batchRows), device) as never).logits.detach()));
      parts.push((await logits.toAsync('cpu')).keep());
      if (logits.device !== 'cpu') logits.dispose();
      onProgress?.(start + batchRows.length, n);
    }
    return new TeacherLogits(stackRows(parts));
  } finally {
    for (const p of parts) p.dispose();
    teacher.train(wasTraining);
  }
}

/** Batches of logits as one tensor; token logits are padded (with zeros) to the longest batch. */
function stackRows(parts: Tensor[]): Tensor {
  if (parts[0].rank === 3) {
    const longest = Math.max(...parts.map((p) => p.shape[1]));
    return scope(() =>
      concat(
        parts.map((p) =>
          p.shape[1] === longest
            ? p
            : pad(p, [
                [0, 0],
                [0, longest - p.shape[1]],
                [0, 0],
              ]),
        ),
        0,
      ),
    );
  }
  return scope(() => concat(parts, 0));
}
