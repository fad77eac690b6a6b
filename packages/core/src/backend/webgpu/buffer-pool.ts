/**
 * Storage buffers by size class. Training allocates the same shapes every step, so freed buffers
 * are kept and handed out again instead of going through createBuffer/destroy each time.
 */
import { BufferUsage } from './constants';

/** Rounds a byte count up to its size class: 256 B minimum, then four classes per power of two. */
export function sizeClass(bytes: number): number {
  const b = Math.max(256, Math.ceil(bytes / 4) * 4);
  const pow = 2 ** Math.floor(Math.log2(b));
  if (pow === b) return b;
  const quarter = pow / 4;
  return pow + Math.ceil((b - pow) / quarter) * quarter;
}

export interface PoolStats {
  /** Buffers handed out and not yet returned. */
  liveBuffers: number;
  liveBytes: number;
  /** Buffers kept for reuse. */
  pooledBuffers: number;
  pooledBytes: number;
  /** createBuffer calls so far. */
  created: number;
}

export class BufferPool {
  readonly #free = new Map<number, GPUBuffer[]>();
  #stats: PoolStats = { liveBuffers: 0, liveBytes: 0, pooledBuffers: 0, pooledBytes: 0, created: 0 };

  constructor(
    private readonly device: GPUDevice,
    /** Pooled bytes beyond this are destroyed rather than kept. */
    private readonly maxPooledBytes = 512 * 2 ** 20,
  ) {}

  /** A storage buffer of at least `bytes` bytes (its class size, capped at `maxSize`). Not necessarily zeroed. */
  acquire(bytes: number, maxSize = Infinity): { buffer: GPUBuffer; fresh: boolean } {
    const size = Math.max(Math.ceil(bytes / 4) * 4, Math.min(sizeClass(bytes), Math.floor(maxSize / 4) * 4));
    const list = this.#free.get(size);
    this.#stats.liveBuffers++;
    this.#stats.liveBytes += size;
    const reused = list?.pop();
    if (reused) {
      this.#stats.pooledBuffers--;
      this.#stats.pooledBytes -= size;
      return { buffer: reused, fresh: false };
    }
    this.#stats.created++;
    const buffer = this.device.createBuffer({ size, usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST });
    return { buffer, fresh: true };
  }

  /** Returns a buffer that no queued or future work references any more. */
  release(buffer: GPUBuffer): void {
    const size = buffer.size;
    this.#stats.liveBuffers--;
    this.#stats.liveBytes -= size;
    if (this.#stats.pooledBytes + size > this.maxPooledBytes) {
      buffer.destroy();
      return;
    }
    const list = this.#free.get(size) ?? [];
    list.push(buffer);
    this.#free.set(size, list);
    this.#stats.pooledBuffers++;
    this.#stats.pooledBytes += size;
  }

  stats(): PoolStats {
    return { ...this.#stats };
  }

  /** Destroys every pooled buffer. */
  trim(): void {
    for (const list of this.#free.values()) for (const b of list) b.destroy();
    this.#free.clear();
    this.#stats.pooledBuffers = 0;
    this.#stats.pooledBytes = 0;
  }
}
