/**
 * Storage buffers by size class. Training allocates the same shapes every step, so freed buffers
 * are kept and handed out again instead of going through createBuffer/destroy each time. A class
 * hands out its lowest-numbered free buffer, so which buffer an allocation gets depends only on
 * which buffers are free, not on the order they were freed in: a training step then binds the
 * same buffers in the same places every step, and its cached bind groups keep matching.
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

/** The buffer pool's counters: buffers in use, buffers kept for reuse, and buffers created. */
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
  readonly #free = new Map<number, IdHeap>();
  readonly #ids = new WeakMap<GPUBuffer, number>();
  #nextId = 1;
  #stats: PoolStats = { liveBuffers: 0, liveBytes: 0, pooledBuffers: 0, pooledBytes: 0, created: 0 };

  constructor(
    private readonly device: GPUDevice,
    /** Pooled bytes beyond this are destroyed rather than kept. */
    private readonly maxPooledBytes = 512 * 2 ** 20,
    /** Called after the pool destroys buffers (caches of objects that reference them must drop those). */
    private readonly onDestroy: () => void = () => {},
  ) {}

  /**
   * A number that identifies `buffer` among every buffer this pool made (and any registered with
   * `register`), for the lifetime of the buffer: bind groups are cached under these ids.
   */
  idOf(buffer: GPUBuffer): number {
    return this.#ids.get(buffer) ?? this.register(buffer);
  }

  /** Gives a buffer made elsewhere (the meta arena, the flags) an id. */
  register(buffer: GPUBuffer): number {
    const id = this.#nextId++;
    this.#ids.set(buffer, id);
    return id;
  }

  /** A storage buffer of at least `bytes` bytes (its class size, capped at `maxSize`). Not necessarily zeroed. */
  acquire(bytes: number, maxSize = Infinity): { buffer: GPUBuffer; fresh: boolean } {
    const size = Math.max(Math.ceil(bytes / 4) * 4, Math.min(sizeClass(bytes), Math.floor(maxSize / 4) * 4));
    this.#stats.liveBuffers++;
    this.#stats.liveBytes += size;
    const reused = this.#free.get(size)?.pop();
    if (reused) {
      this.#stats.pooledBuffers--;
      this.#stats.pooledBytes -= size;
      return { buffer: reused, fresh: false };
    }
    this.#stats.created++;
    const buffer = this.device.createBuffer({ size, usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST });
    this.register(buffer);
    return { buffer, fresh: true };
  }

  /** Returns a buffer that no queued or future work references any more. */
  release(buffer: GPUBuffer): void {
    const size = buffer.size;
    this.#stats.liveBuffers--;
    this.#stats.liveBytes -= size;
    if (this.#stats.pooledBytes + size > this.maxPooledBytes) {
      buffer.destroy();
      this.onDestroy();
      return;
    }
    let heap = this.#free.get(size);
    if (!heap) this.#free.set(size, (heap = new IdHeap()));
    heap.push(buffer, this.idOf(buffer));
    this.#stats.pooledBuffers++;
    this.#stats.pooledBytes += size;
  }

  stats(): PoolStats {
    return { ...this.#stats };
  }

  /** Destroys every pooled buffer. */
  trim(): void {
    for (const heap of this.#free.values()) for (const b of heap.buffers) b.destroy();
    this.#free.clear();
    this.#stats.pooledBuffers = 0;
    this.#stats.pooledBytes = 0;
    this.onDestroy();
  }
}

/** Buffers ordered by id, lowest first (a binary min-heap). */
class IdHeap {
  readonly buffers: GPUBuffer[] = [];
  readonly #ids: number[] = [];

  push(buffer: GPUBuffer, id: number): void {
    const b = this.buffers;
    const ids = this.#ids;
    let i = b.length;
    b.push(buffer);
    ids.push(id);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (ids[parent] <= id) break;
      b[i] = b[parent];
      ids[i] = ids[parent];
      i = parent;
    }
    b[i] = buffer;
    ids[i] = id;
  }

  pop(): GPUBuffer | undefined {
    const b = this.buffers;
    const ids = this.#ids;
    if (b.length === 0) return undefined;
    const top = b[0];
    const lastBuffer = b.pop()!;
    const lastId = ids.pop()!;
    const n = b.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && ids[child + 1] < ids[child]) child++;
        if (ids[child] >= lastId) break;
        b[i] = b[child];
        ids[i] = ids[child];
        i = child;
      }
      b[i] = lastBuffer;
      ids[i] = lastId;
    }
    return top;
  }
}
