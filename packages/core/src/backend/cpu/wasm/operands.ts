/**
 * Addresses of kernel operands on the WASM heap. A heap-owned buffer (the normal case with a
 * shared memory) is used in place; any other buffer (plain memory, or a tensor allocated before
 * the heap existed or after it ran out) is copied into scratch space for the call, and an output
 * is copied back after it. `Operands` collects the scratch of one kernel call and frees it.
 */
import type { TensorView } from '../../backend';
import type { TypedArray } from '../../../dtype';
import { outOfMemory } from '../../../memory';
import type { Heap } from './heap';

/** The lowest and one-past-highest element offsets a view touches. */
export function extent(v: TensorView): [number, number] {
  let lo = v.offset;
  let hi = v.offset;
  for (let d = 0; d < v.shape.length; d++) {
    if (v.shape[d] === 0) return [v.offset, v.offset];
    const span = (v.shape[d] - 1) * v.strides[d];
    if (span < 0) lo += span;
    else hi += span;
  }
  return [lo, hi + 1];
}

export class Operands {
  readonly #heap: Heap;
  readonly #scratch: [number, number][] = [];
  readonly #writeBack: { ptr: number; dst: TypedArray }[] = [];

  constructor(heap: Heap) {
    this.#heap = heap;
  }

  /** Scratch bytes for the call's own use (packed panels, descriptors); freed by `done`. */
  scratch(bytes: number): number {
    const ptr = this.#heap.alloc(Math.max(bytes, 4), false);
    if (ptr === null) throw outOfMemory('cpu', bytes, heapFull(this.#heap));
    this.#scratch.push([ptr, Math.max(bytes, 4)]);
    return ptr;
  }

  /** The byte address of element `v.offset` of an input view. */
  input(v: TensorView): number {
    const a = v.buffer as TypedArray;
    if (this.#heap.owns(a)) return a.byteOffset + v.offset * a.BYTES_PER_ELEMENT;
    const [lo, hi] = extent(v);
    const bytes = (hi - lo) * a.BYTES_PER_ELEMENT;
    const ptr = this.scratch(bytes);
    const Ctor = a.constructor as new (b: ArrayBufferLike, o: number, n: number) => TypedArray;
    new Ctor(this.#heap.buffer, ptr, hi - lo).set(a.subarray(lo, hi));
    return ptr + (v.offset - lo) * a.BYTES_PER_ELEMENT;
  }

  /** The byte address of a dense output view; an off-heap one is written back by `done`. */
  output(v: TensorView): number {
    const a = v.buffer as TypedArray;
    if (this.#heap.owns(a)) return a.byteOffset + v.offset * a.BYTES_PER_ELEMENT;
    const n = a.length - v.offset;
    const ptr = this.scratch(n * a.BYTES_PER_ELEMENT);
    this.#writeBack.push({ ptr, dst: a.subarray(v.offset) });
    return ptr;
  }

  /** Copies off-heap outputs back and frees the scratch. Call in `finally`. */
  done(ok = true): void {
    if (ok) {
      for (const { ptr, dst } of this.#writeBack) {
        const Ctor = dst.constructor as new (b: ArrayBufferLike, o: number, n: number) => TypedArray;
        dst.set(new Ctor(this.#heap.buffer, ptr, dst.length));
      }
    }
    for (const [ptr, bytes] of this.#scratch) this.#heap.free(ptr, bytes);
    this.#scratch.length = 0;
    this.#writeBack.length = 0;
  }
}

/** What ran out, for an OutOfMemoryError: wasm32 memories stop at 4 GiB (or the engine's smaller maximum). */
export function heapFull(heap: Heap): string {
  return `the CPU backend's WebAssembly heap is full (${(heap.capacity / 2 ** 20).toFixed(0)} MiB, ${(heap.liveBytes / 2 ** 20).toFixed(0)} MiB of it in use)`;
}

/** Runs `fn` with an Operands for one kernel call, releasing its scratch however it ends. */
export function withOperands<T>(heap: Heap, fn: (ops: Operands) => T): T {
  const ops = new Operands(heap);
  let ok = false;
  try {
    const r = fn(ops);
    ok = true;
    return r;
  } finally {
    ops.done(ok);
  }
}
