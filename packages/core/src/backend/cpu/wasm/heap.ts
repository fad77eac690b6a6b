/**
 * The allocator of the WebAssembly heap. With a shared memory, CPU tensor storage lives here: a
 * buffer is an ordinary typed array over the memory's SharedArrayBuffer, so the TypeScript
 * kernels read it as before and the WASM kernels get its address without a copy. Growing a
 * shared memory never detaches earlier views, which is what makes this safe.
 *
 * A wasm memory never shrinks (and wasm32 stops at 4 GiB), so the allocator is built to reuse
 * what it has rather than grow:
 * - every block is a multiple of 64 bytes at a 64-byte-aligned address;
 * - blocks of up to `SMALL_MAX` bytes are kept, once freed, on an exact-size list (the cheap,
 *   common case: biases, scalars, descriptors); those lists are handed back to the general
 *   region before the memory grows, so they never pin memory that a large block needs;
 * - larger blocks come from the general region (`FreeBlocks`): a good fit among freed blocks,
 *   split to size, and on free merged with free neighbours; a free block that ends at the bump
 *   pointer lowers it instead, so the top of the heap stays one contiguous run.
 * Block metadata lives in JS maps, never in the heap (kernels and workers use every byte).
 *
 * Backends hand out zero-filled buffers: a reused block is zeroed when handed out (`zero`, the
 * module's memory.fill), while memory above the highest address ever handed out is still the
 * zeros a grow brings and needs no clearing.
 */
import type { TypedArray } from '../../../dtype';
import { FreeBlocks } from './free-blocks';

const PAGE = 65536;
const ALIGN = 64;
/** The largest block served from the exact-size lists. */
const SMALL_MAX = 4096;

/** The bytes a request of `bytes` occupies on the heap: rounded up to the 64-byte alignment. */
export function blockSize(bytes: number): number {
  return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
}

/**
 * The heap's allocator over a WebAssembly memory, from `base` (the module's own data ends there)
 * up; see the file comment for the design. Not thread-safe: only the main thread allocates, while
 * workers merely read and write the blocks they are given.
 */
export class Heap {
  readonly #memory: WebAssembly.Memory;
  readonly #zero: (ptr: number, bytes: number) => void;
  /** Every buffer object the memory has handed out (a new one after each grow). */
  readonly #buffers = new WeakSet<ArrayBufferLike>();
  /** Freed small blocks by size / 64. */
  readonly #small: number[][] = Array.from({ length: SMALL_MAX / ALIGN + 1 }, () => []);
  readonly #free = new FreeBlocks();
  #smallBytes = 0;
  /** The bump pointer: everything from here up is unused. */
  #top: number;
  /** The highest address ever handed out: memory above it is still zero. */
  #clean: number;
  #live = 0;

  /** `zero` clears a block (the WASM module's memory.fill; a TypedArray.fill over shared memory is slow). */
  constructor(memory: WebAssembly.Memory, base: number, zero?: (ptr: number, bytes: number) => void) {
    this.#memory = memory;
    this.#zero = zero ?? ((ptr, bytes) => new Uint8Array(this.#memory.buffer, ptr, bytes).fill(0));
    this.#top = this.#clean = Math.ceil(base / ALIGN) * ALIGN;
    this.#buffers.add(memory.buffer);
  }

  /** The memory's current buffer (refetched: a grow replaces it). */
  get buffer(): ArrayBufferLike {
    return this.#memory.buffer;
  }

  /** Bytes handed out and not yet freed (each block's `blockSize`). */
  get liveBytes(): number {
    return this.#live;
  }

  /** Bytes the memory spans. */
  get capacity(): number {
    return this.#memory.buffer.byteLength;
  }

  /** The end of the highest block in use or held free: the heap's footprint within `capacity`. */
  get extent(): number {
    return this.#top;
  }

  /** Bytes below `extent` that are free (in the general region or on the small lists). */
  get freeBytes(): number {
    return this.#free.bytes + this.#smallBytes;
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
    const size = blockSize(bytes);
    if (size <= SMALL_MAX) {
      const list = this.#small[size / ALIGN];
      if (list.length) {
        const ptr = list.pop()!;
        this.#smallBytes -= size;
        return this.#handOut(ptr, size, zero);
      }
    }
    let ptr = this.#free.take(size);
    if (ptr < 0 && this.#top + size > this.capacity && this.#smallBytes) {
      // the memory would have to grow: first give the small lists back to the general region
      this.#flushSmall();
      ptr = this.#free.take(size);
    }
    if (ptr < 0) {
      ptr = this.#top;
      if (!this.#reserve(ptr + size)) return null;
      this.#top = ptr + size;
    }
    return this.#handOut(ptr, size, zero);
  }

  /** Returns a block from `alloc(bytes)`: `bytes` must be what was asked for. */
  free(ptr: number, bytes: number): void {
    const size = blockSize(bytes);
    if (size <= SMALL_MAX) {
      this.#small[size / ALIGN].push(ptr);
      this.#smallBytes += size;
    } else {
      if (this.#free.has(ptr)) throw new Error(`graft: heap block ${ptr} freed twice`);
      this.#release(ptr, size);
    }
    this.#live -= size;
  }

  #handOut(ptr: number, size: number, zero: boolean): number {
    const end = ptr + size;
    if (zero && ptr < this.#clean) this.#zero(ptr, Math.min(end, this.#clean) - ptr);
    if (end > this.#clean) this.#clean = end;
    this.#live += size;
    return ptr;
  }

  /** Merges a block with its free neighbours; the result lowers the bump pointer if it reaches it. */
  #release(ptr: number, size: number): void {
    const [start, merged] = this.#free.merge(ptr, size);
    if (start + merged === this.#top) this.#top = start;
    else this.#free.insert(start, merged);
  }

  #flushSmall(): void {
    for (let i = 1; i < this.#small.length; i++) {
      const list = this.#small[i];
      for (const ptr of list) this.#release(ptr, i * ALIGN);
      list.length = 0;
    }
    this.#smallBytes = 0;
  }

  /** Grows the memory so that it spans `end` bytes; false when it cannot. */
  #reserve(end: number): boolean {
    const have = this.capacity;
    if (end <= have) return true;
    const need = Math.ceil((end - have) / PAGE);
    // an eighth of the heap at least, so that a run of allocations grows rarely, yet a heap
    // that has found its size carries little slack
    return this.#grow(Math.max(need, Math.ceil(have / PAGE / 8))) || this.#grow(need);
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
