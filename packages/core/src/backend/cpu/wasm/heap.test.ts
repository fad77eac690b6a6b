/** The WASM heap allocator: size classes, reuse, zeroing, and growth without detaching views. */
import { describe, expect, it } from 'vitest';
import { Heap, sizeClass } from './heap';

describe('WASM heap', () => {
  it('serves requests from size classes that waste at most a quarter', () => {
    expect(sizeClass(1)).toBe(64);
    expect(sizeClass(64)).toBe(64);
    expect(sizeClass(65)).toBe(80);
    expect(sizeClass(4096)).toBe(4096);
    expect(sizeClass(4097)).toBe(5120);
    for (const n of [100, 1000, 12345, 1 << 20, 3e6 + 7]) {
      const c = sizeClass(n);
      expect(c).toBeGreaterThanOrEqual(n);
      expect(c).toBeLessThanOrEqual(n * 1.25 + 64);
      expect(c % 16).toBe(0);
    }
  });

  it('reuses freed blocks of the same class, zeroed, and keeps old views valid across growth', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 64, shared: true });
    const heap = new Heap(memory, 1024);
    const a = heap.alloc(1000)!;
    const view = new Float32Array(heap.buffer, a, 250);
    view.fill(7);
    expect(heap.owns(view)).toBe(true);
    expect(heap.owns(new Float32Array(250))).toBe(false);
    // force a grow: earlier views must stay readable and owned (shared memories never detach)
    const big = heap.alloc(200_000)!;
    expect(heap.capacity).toBeGreaterThan(65536);
    expect(view[249]).toBe(7);
    expect(heap.owns(view)).toBe(true);
    expect(heap.owns(new Float32Array(heap.buffer, big, 10))).toBe(true);
    heap.free(a, 1000);
    const again = heap.alloc(990)!;
    expect(again).toBe(a);
    expect(Array.from(new Float32Array(heap.buffer, again, 250)).every((v) => v === 0)).toBe(true);
    expect(heap.liveBytes).toBe(sizeClass(990) + sizeClass(200_000));
  });

  it('returns null when the memory cannot grow further', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    const heap = new Heap(memory, 0);
    expect(heap.alloc(200_000)).toBe(null);
    expect(heap.alloc(1000)).not.toBe(null);
  });
});
