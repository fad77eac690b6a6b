/** The WASM heap allocator: alignment, reuse, zeroing, splitting, coalescing, top release, growth. */
import { describe, expect, it } from 'vitest';
import { binOf } from './free-blocks';
import { blockSize, Heap } from './heap';
import { uniformStream } from '../../../../../../test-utils/random';

const KiB = 1024;
const MiB = 1024 * KiB;
const PAGE = 65536;

/** A heap on a fresh memory starting at `base`, recording the ranges it zeroes. */
function makeHeap(opts: { base?: number; initial?: number; maximum?: number; shared?: boolean } = {}) {
  const { base = 1024, initial = 1, maximum = 16384, shared = true } = opts;
  const memory = new WebAssembly.Memory({ initial, maximum, shared });
  const zeroed: [number, number][] = [];
  const heap = new Heap(memory, base, (ptr, bytes) => {
    zeroed.push([ptr, bytes]);
    new Uint8Array(memory.buffer, ptr, bytes).fill(0);
  });
  return { memory, heap, zeroed, base: Math.ceil(base / 64) * 64 };
}

describe('WASM heap', () => {
  it('rounds every block to the 64-byte alignment, and bins sizes without gaps', () => {
    expect(blockSize(0)).toBe(64);
    expect(blockSize(1)).toBe(64);
    expect(blockSize(64)).toBe(64);
    expect(blockSize(65)).toBe(128);
    expect(blockSize(3e6 + 7)).toBe(Math.ceil((3e6 + 7) / 64) * 64);
    // bins are monotone and consecutive sizes land in the same or the next bin
    for (let u = 1; u < 1 << 20; u += 1 + (u >> 6)) {
      expect(binOf(u + 1) - binOf(u)).toBeGreaterThanOrEqual(0);
      expect(binOf(u + 1) - binOf(u)).toBeLessThanOrEqual(1);
    }
    expect(binOf(1 << 26)).toBeLessThan(200);
  });

  it('reuses freed blocks, zeroed, and keeps old views valid across growth', () => {
    const { heap } = makeHeap();
    const a = heap.alloc(1000)!;
    expect(a % 64).toBe(0);
    const view = new Float32Array(heap.buffer, a, 250);
    view.fill(7);
    expect(heap.owns(view)).toBe(true);
    expect(heap.owns(new Float32Array(250))).toBe(false);
    // force a grow: earlier views must stay readable and owned (shared memories never detach)
    const big = heap.alloc(200_000)!;
    expect(heap.capacity).toBeGreaterThan(PAGE);
    expect(view[249]).toBe(7);
    expect(heap.owns(view)).toBe(true);
    expect(heap.owns(new Float32Array(heap.buffer, big, 10))).toBe(true);
    heap.free(a, 1000);
    const again = heap.alloc(990)!;
    expect(again).toBe(a);
    expect(Array.from(new Float32Array(heap.buffer, again, 250)).every((v) => v === 0)).toBe(true);
    expect(heap.liveBytes).toBe(blockSize(990) + blockSize(200_000));
  });

  it('returns null when the memory cannot grow further, and stays usable', () => {
    const { heap } = makeHeap({ base: 0, initial: 1, maximum: 2 });
    expect(heap.alloc(200_000)).toBe(null);
    expect(heap.liveBytes).toBe(0);
    expect(heap.alloc(1000)).not.toBe(null);
  });

  it('splits a large free block and serves the rest to later requests', () => {
    const { heap, base } = makeHeap();
    const a = heap.alloc(1 * MiB)!;
    const guard = heap.alloc(100 * KiB)!;
    heap.free(a, 1 * MiB);
    expect(heap.freeBytes).toBe(1 * MiB);
    const b = heap.alloc(256 * KiB)!;
    const c = heap.alloc(300 * KiB)!;
    expect([b, c]).toEqual([a, a + 256 * KiB]);
    expect(heap.freeBytes).toBe(1 * MiB - 556 * KiB);
    expect(heap.extent).toBe(guard + 100 * KiB);
    expect(heap.extent - base).toBe(heap.liveBytes + heap.freeBytes);
  });

  it('coalesces adjacent free blocks, in any order, into one that serves a larger request', () => {
    for (const order of [
      [0, 1, 2],
      [2, 1, 0],
      [0, 2, 1],
      [1, 0, 2],
    ]) {
      const { heap } = makeHeap();
      const sizes = [200 * KiB, 300 * KiB, 500 * KiB];
      const ptrs = sizes.map((s) => heap.alloc(s)!);
      heap.alloc(64 * KiB); // keeps the three off the top
      const extent = heap.extent;
      for (const i of order) heap.free(ptrs[i], sizes[i]);
      expect(heap.freeBytes).toBe(1000 * KiB);
      expect(heap.alloc(1000 * KiB)).toBe(ptrs[0]);
      expect(heap.extent).toBe(extent);
      expect(heap.freeBytes).toBe(0);
    }
  });

  it('hands the top-most free block back to the bump pointer, and zeroes that memory on reuse', () => {
    const { heap, base, zeroed } = makeHeap();
    const a = heap.alloc(100 * KiB)!;
    const b = heap.alloc(200 * KiB)!;
    const c = heap.alloc(300 * KiB)!;
    // fresh memory is zero already: nothing was cleared
    expect(zeroed).toEqual([]);
    new Uint8Array(heap.buffer, b, 200 * KiB).fill(9);
    heap.free(b, 200 * KiB);
    expect(heap.extent).toBe(c + 300 * KiB);
    heap.free(c, 300 * KiB);
    // c reached the top, and merged with b on its way down
    expect(heap.extent).toBe(b);
    expect(heap.freeBytes).toBe(0);
    heap.free(a, 100 * KiB);
    expect(heap.extent).toBe(base);
    // the bump pointer hands out used memory again: the part below the old high-water is cleared
    const d = heap.alloc(700 * KiB)!;
    expect(d).toBe(base);
    expect(zeroed).toEqual([[base, 600 * KiB]]);
    expect(new Uint8Array(heap.buffer, d, 700 * KiB).every((v) => v === 0)).toBe(true);
    heap.free(d, 700 * KiB);
    heap.alloc(50 * KiB, false);
    expect(zeroed.length).toBe(1);
  });

  it('keeps small blocks on exact-size lists, and gives them back before the memory grows', () => {
    const { heap, base } = makeHeap({ initial: 16 });
    const small = Array.from({ length: 200 }, () => heap.alloc(1000)!);
    expect(heap.extent - base).toBe(200 * 1024);
    heap.free(small[7], 1000);
    expect(heap.alloc(1000)).toBe(small[7]);
    // a freed small block is kept for its own size (no coalescing on the hot path)...
    for (const p of small) heap.free(p, 1000);
    expect(heap.freeBytes).toBe(200 * 1024);
    const capacity = heap.capacity;
    // ...but a request that would grow the memory first merges them: they span the whole heap
    const big = heap.alloc(16 * PAGE - base)!;
    expect(big).toBe(base);
    expect(heap.capacity).toBe(capacity);
  });

  it.each([0x5eed, 7])('survives a randomized workload (seed %i): no overlaps, aligned, zeroed, exact accounting, bounded growth', (seed) => {
    const { memory, heap, base } = makeHeap({ shared: false });
    const rng = uniformStream(seed);
    /** The reference model: the live blocks, each filled with its own tag byte. */
    const live = new Map<number, { bytes: number; size: number; tag: number }>();
    let liveBytes = 0;
    let peak = 0;
    let peakExtent = 0;
    let allocs = 0;
    const u8 = () => new Uint8Array(memory.buffer); // a non-shared buffer is replaced by each grow
    const allocate = (bytes: number, zero: boolean) => {
      const ptr = heap.alloc(bytes, zero)!;
      const size = blockSize(bytes);
      expect(ptr % 64).toBe(0);
      expect(ptr).toBeGreaterThanOrEqual(base);
      expect(ptr + size).toBeLessThanOrEqual(heap.capacity);
      for (const [q, b] of live) if (ptr < q + b.size && q < ptr + size) throw new Error(`block ${ptr}+${size} overlaps ${q}+${b.size}`);
      const mem = u8();
      if (zero) expect(firstNonZero(mem, ptr, bytes)).toBe(-1);
      const tag = 1 + (allocs++ % 255);
      mem.fill(tag, ptr, ptr + size);
      live.set(ptr, { bytes, size, tag });
      liveBytes += size;
      peak = Math.max(peak, liveBytes);
      peakExtent = Math.max(peakExtent, heap.extent - base);
      return ptr;
    };
    const release = (ptr: number) => {
      const b = live.get(ptr)!;
      // nobody else wrote into this block while it was live
      expect(firstOther(u8(), ptr, b.size, b.tag)).toBe(-1);
      heap.free(ptr, b.bytes);
      live.delete(ptr);
      liveBytes -= b.size;
    };
    // phases with shifting size ranges (what defeats per-size-class free lists), each a burst of
    // allocations freed mostly in LIFO order, with a few long-lived blocks kept across phases
    for (let phase = 0; phase < 24; phase++) {
      const lo = 6 + (phase % 8);
      const hi = lo + 8;
      const burst: number[] = [];
      for (let i = 0; i < 150; i++) {
        const bytes = Math.floor(2 ** (lo + rng() * (hi - lo)) * (0.5 + rng()));
        const ptr = allocate(bytes, rng() < 0.8);
        if (rng() < 0.05) continue; // long-lived
        burst.push(ptr);
        if (rng() < 0.3 && burst.length) release(burst.splice(Math.floor(rng() * burst.length), 1)[0]);
      }
      while (burst.length) release(rng() < 0.8 ? burst.pop()! : burst.splice(Math.floor(rng() * burst.length), 1)[0]);
      if (phase % 6 === 5) for (const ptr of [...live.keys()].filter(() => rng() < 0.5)) release(ptr);
      expect(heap.liveBytes).toBe(liveBytes);
      expect(heap.extent - base).toBe(heap.liveBytes + heap.freeBytes);
    }
    expect(allocs).toBeGreaterThan(3000);
    // fragmentation bound: the memory never got much larger than the most that was live at once
    // (the previous allocator, one free list per size class, reached 1.73x here); capacity also
    // carries the growth slack of up to an eighth
    expect(peakExtent).toBeLessThanOrEqual(1.1 * peak + 1 * MiB);
    expect(heap.capacity).toBeLessThanOrEqual(1.3 * peak + 2 * MiB);
    for (const ptr of [...live.keys()]) release(ptr);
    expect(heap.liveBytes).toBe(0);
    // with everything freed, the whole memory is one block again (small lists included)
    const capacity = heap.capacity;
    expect(heap.alloc(capacity - base)).toBe(base);
    expect(heap.capacity).toBe(capacity);
  });
});

function firstNonZero(mem: Uint8Array, ptr: number, bytes: number): number {
  for (let i = ptr; i < ptr + bytes; i++) if (mem[i] !== 0) return i;
  return -1;
}

function firstOther(mem: Uint8Array, ptr: number, bytes: number, tag: number): number {
  for (let i = ptr; i < ptr + bytes; i++) if (mem[i] !== tag) return i;
  return -1;
}
