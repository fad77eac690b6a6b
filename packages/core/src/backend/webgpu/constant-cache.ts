/**
 * Shared device buffers for tiny constants (at most 16 bytes: scalars and short vectors).
 *
 * Core turns the scalar of `x.mul(0.5)` into a 0-d tensor (`full([], 0.5)`): a pooled buffer and
 * a `writeBuffer` per op (about 4 µs of host time in a chain of `add(x, 1)`), and a different
 * buffer in every dispatch's bind group. Since a tensor's storage is never written again after it
 * is defined (`assign` rebinds storage), all tensors holding the same bytes can share one buffer:
 * the stream hands tiny allocations a lazy handle and, at the write, points it at the constant for
 * those bytes, counting references. Unreferenced constants stay cached (a training step asks for
 * the same few every step) until the cache outgrows its bound; then they go back to the buffer
 * pool at the next submit.
 */
import type { BufferPool } from './buffer-pool';

/** The largest write served from the cache. */
export const MAX_CONSTANT_BYTES = 16;

/** One cached constant: its buffer (from the pool) and how many handles point at it. */
export interface ConstantEntry {
  readonly key: string;
  readonly gpu: GPUBuffer;
  readonly id: number;
  refs: number;
}

export class ConstantCache {
  readonly #entries = new Map<string, ConstantEntry>();
  readonly #words = new Uint32Array(MAX_CONSTANT_BYTES / 4);
  readonly #bytes = new Uint8Array(this.#words.buffer);
  /** Constants created so far (one upload each). */
  created = 0;

  constructor(
    private readonly pool: BufferPool,
    private readonly queue: GPUQueue,
    /** Unreferenced constants kept beyond this many entries are released at the next trim. */
    private readonly capacity = 1024,
  ) {}

  /**
   * A reference to the constant holding `data` (at most MAX_CONSTANT_BYTES), uploaded on first
   * use. Its buffer is fresh from the pool, so no queued work reads it and the write needs no submit.
   */
  acquire(data: Uint8Array): ConstantEntry {
    this.#words.fill(0);
    this.#bytes.set(data);
    let key = `${data.byteLength}`;
    for (let i = 0; i < (data.byteLength + 3) >> 2; i++) key += `,${this.#words[i]}`;
    let entry = this.#entries.get(key);
    if (!entry) {
      const { buffer } = this.pool.acquire(MAX_CONSTANT_BYTES);
      // the whole 16 bytes, zero-padded: a constant is a valid zero-filled buffer past its data
      this.queue.writeBuffer(buffer, 0, this.#words.buffer, 0, MAX_CONSTANT_BYTES);
      entry = { key, gpu: buffer, id: this.pool.idOf(buffer), refs: 0 };
      this.#entries.set(key, entry);
      this.created++;
    }
    entry.refs++;
    return entry;
  }

  release(entry: ConstantEntry): void {
    entry.refs--;
  }

  /**
   * Returns unreferenced constants to the pool while the cache is over its bound. Call it right
   * after a submit: then no open batch references them.
   */
  trim(): void {
    if (this.#entries.size <= this.capacity) return;
    for (const [key, entry] of this.#entries) {
      if (this.#entries.size <= this.capacity >> 1) break;
      if (entry.refs > 0) continue;
      this.#entries.delete(key);
      this.pool.release(entry.gpu);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
