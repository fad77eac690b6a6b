/**
 * Kernel parameters ("meta": sizes, strides, offsets, scalars) in one storage buffer, one slot
 * per distinct content. A training step dispatches the same kernels over the same shapes every
 * step, so after the first step every dispatch finds its parameters already on the device: no
 * upload, and the same (buffer, offset) binding, which keeps its cached bind group valid.
 *
 * Why content-addressed slots rather than a per-submit arena bound with a dynamic offset: on
 * lavapipe a dispatch with a dynamic offset costs about 75 µs of device time (a plain one about
 * 20 µs), and a per-submit arena with static offsets would give every dispatch a new bind group.
 */
import type { BindingSpec } from './bind-groups';
import { BufferUsage } from './constants';

export class MetaArena {
  readonly gpu: GPUBuffer;
  /** The arena's id in bind-group keys. */
  readonly id: number;
  readonly #host: Uint32Array;
  readonly #slots = new Map<string, BindingSpec>();
  #used = 0;
  #dirtyFrom = Infinity;
  #dirtyTo = 0;

  constructor(
    device: GPUDevice,
    /** Gives the arena's buffer its bind-group id (BufferPool.register). */
    register: (buffer: GPUBuffer) => number,
    /** Arena size in bytes. */
    readonly bytes: number,
    /** Slot alignment: the device's minStorageBufferOffsetAlignment (at least 16). */
    private readonly align: number,
  ) {
    this.gpu = device.createBuffer({ size: bytes, usage: BufferUsage.STORAGE | BufferUsage.COPY_DST });
    this.id = register(this.gpu);
    this.#host = new Uint32Array(bytes / 4);
  }

  /** Bytes a slot for `words` words takes: the binding rounded up to the alignment. */
  slotBytes(words: number): number {
    return Math.ceil(bindBytes(words) / this.align) * this.align;
  }

  /**
   * The binding of a slot holding `words` (u32 words; negative numbers are stored as their two's
   * complement), or null when the arena has no room: then the caller submits the work that uses
   * the current slots, calls `reset()` and asks again.
   */
  slot(words: ArrayLike<number>): BindingSpec | null {
    let key = '';
    for (let i = 0; i < words.length; i++) key += `${words[i]},`;
    const hit = this.#slots.get(key);
    if (hit) return hit;
    const size = this.slotBytes(words.length);
    if (this.#used + size > this.bytes) return null;
    const offset = this.#used;
    const host = this.#host;
    for (let i = 0, w = offset >>> 2; i < words.length; i++) host[w + i] = words[i];
    this.#used += size;
    this.#dirtyFrom = Math.min(this.#dirtyFrom, offset);
    this.#dirtyTo = this.#used;
    const spec: BindingSpec = { gpu: this.gpu, id: this.id, bindSize: bindBytes(words.length), offset };
    this.#slots.set(key, spec);
    return spec;
  }

  /** Queues the upload of the slots filled since the last upload (before the submit that reads them). */
  upload(queue: GPUQueue): void {
    if (this.#dirtyTo <= this.#dirtyFrom) return;
    queue.writeBuffer(this.gpu, this.#dirtyFrom, this.#host.buffer, this.#dirtyFrom, this.#dirtyTo - this.#dirtyFrom);
    this.#dirtyFrom = Infinity;
    this.#dirtyTo = 0;
  }

  /**
   * Forgets every slot. Only after the work that read them was submitted: queue order then makes
   * that work see the old contents and later work the new ones.
   */
  reset(): void {
    this.#slots.clear();
    this.#used = 0;
    this.#dirtyFrom = Infinity;
    this.#dirtyTo = 0;
  }

  /** Distinct parameter blocks held. */
  get size(): number {
    return this.#slots.size;
  }

  destroy(): void {
    this.gpu.destroy();
  }
}

/** Bytes bound for `words` words: at least 16, a multiple of 16. */
function bindBytes(words: number): number {
  return Math.max(16, Math.ceil((words * 4) / 16) * 16);
}
