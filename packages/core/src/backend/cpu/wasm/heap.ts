/**
 * The allocator of the WebAssembly heap. With a shared memory, CPU tensor storage lives here: a
 * buffer is an ordinary typed array over the memory's SharedArrayBuffer, so the TypeScript
 * kernels read it as before and the WASM kernels get its address without a copy. Growing a
 * shared memory never detaches earlier views, which is what makes this safe.
 *
 * Blocks come in size classes (powers of two split in quarters, so at most 25% is wasted) with
 * one free list per class; a freed block is reused by the next allocation of its class and
 * zeroed then, since backends hand out zero-filled buffers.
 */
import type { TypedArray } from '../../../dtype';

const PAGE = 65536;

/** The size class (bytes) a request of `bytes` is served from. */
export function sizeClass(bytes: number): number {
  if (bytes <= 64) return 64;
  const pow = 2 ** Math.floor(Math.log2(bytes - 1));
  const step = pow / 4;
  return Math.ceil(bytes / step) * step;
}

export class Heap {
  readonly #memory: WebAssembly.Memory;
  readonly #free = new Map<number, number[]>();
  /** Every buffer object the memory has handed out (a new one after each grow). */
  readonly #buffers = new WeakSet<ArrayBufferLike>();
  #top: number;
  #live = 0;

  readonly #zero: (ptr: number, bytes: number) => void;

  /** `zero` clears a block (the WASM module's memory.fill; a TypedArray.fill over shared memory is slow). */
  constructor(memory: WebAssembly.Memory, base: number, zero?: (ptr: number, bytes: number) => void) {
    this.#memory = memory;
    this.#zero = zero ?? ((ptr, bytes) => new Uint8Array(this.#memory.buffer, ptr, bytes).fill(0));
    this.#top = Math.ceil(base / 64) * 64;
    this.#buffers.add(memory.buffer);
  }

  /** The memory's current buffer (refetched: a grow replaces it). */
  get buffer(): ArrayBufferLike {
    return this.#memory.buffer;
  }

  /** Bytes handed out and not yet freed (by size class). */
  get liveBytes(): number {
    return this.#live;
  }

  /** Bytes the memory spans. */
  get capacity(): number {
    return this.#memory.buffer.byteLength;
  }

  /** Whether a typed array is a view of this heap. */
  owns(a: TypedArray): boolean {
    return this.#buffers.has(a.buffer);
  }

  /**
   * A 64-byte-aligned, zero-filled block of at least `bytes`, or null when the memory cannot
   * grow that far (wasm32 stops at 4 GiB; callers fall back to ordinary arrays). Scratch space
   * passes `zero = false`: kernels overwrite it anyway.
   */
  alloc(bytes: number, zero = true): number | null {
    const cls = sizeClass(bytes);
    const list = this.#free.get(cls);
    if (list && list.length) {
      const ptr = list.pop()!;
      if (zero) this.#zero(ptr, cls);
      this.#live += cls;
      return ptr;
    }
    const ptr = this.#top;
    const end = ptr + cls;
    if (end > this.#memory.buffer.byteLength) {
      const have = this.#memory.buffer.byteLength;
      // grow by at least a quarter of the heap so that a run of allocations grows rarely
      const pages = Math.max(Math.ceil((end - have) / PAGE), Math.ceil(have / PAGE / 4));
      if (!this.#grow(pages) && !this.#grow(Math.ceil((end - have) / PAGE))) return null;
    }
    this.#top = end;
    this.#live += cls;
    return ptr;
  }

  /** Returns a block from `alloc(bytes)` to its free list. */
  free(ptr: number, bytes: number): void {
    const cls = sizeClass(bytes);
    let list = this.#free.get(cls);
    if (!list) this.#free.set(cls, (list = []));
    list.push(ptr);
    this.#live -= cls;
  }

  #grow(pages: number): boolean {
    try {
      this.#memory.grow(pages);
    } catch {
      return false;
    }
    this.#buffers.add(this.#memory.buffer);
    return true;
  }
}
