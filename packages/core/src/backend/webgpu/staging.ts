/**
 * Mappable read-back buffers, kept for reuse. A training loop reads the same few small tensors
 * (the loss, a metric) every step, and creating and destroying a MAP_READ buffer per read costs
 * a createBuffer (about 20 µs in Dawn) plus a destroy; a pooled one is mapped, read and unmapped.
 */
import { sizeClass } from './buffer-pool';
import { BufferUsage } from './constants';

export class StagingPool {
  readonly #free = new Map<number, GPUBuffer[]>();
  #pooledBytes = 0;

  constructor(
    private readonly device: GPUDevice,
    /** Bytes of idle staging buffers kept at most; larger reads get buffers that are destroyed after use. */
    private readonly maxPooledBytes = 64 * 2 ** 20,
    /** Idle buffers kept per size class. */
    private readonly perClass = 4,
  ) {}

  /** An unmapped MAP_READ | COPY_DST buffer of at least `bytes` bytes. */
  acquire(bytes: number): GPUBuffer {
    const size = sizeClass(bytes);
    const reused = this.#free.get(size)?.pop();
    if (reused) {
      this.#pooledBytes -= size;
      return reused;
    }
    return this.device.createBuffer({ size, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
  }

  /** Returns an unmapped buffer from `acquire`. */
  release(buffer: GPUBuffer): void {
    const size = buffer.size;
    const list = this.#free.get(size) ?? [];
    if (list.length >= this.perClass || this.#pooledBytes + size > this.maxPooledBytes) {
      buffer.destroy();
      return;
    }
    list.push(buffer);
    this.#free.set(size, list);
    this.#pooledBytes += size;
  }

  /** Destroys every idle buffer. */
  trim(): void {
    for (const list of this.#free.values()) for (const b of list) b.destroy();
    this.#free.clear();
    this.#pooledBytes = 0;
  }
}
