import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Operands } from './backend/cpu/wasm/operands';
import { Heap } from './backend/cpu/wasm/heap';
import { GraftError, leaks, liveAllocationSites, memory, OutOfMemoryError, setDebugAllocations, setLeakWarnings, type Tensor, zeros } from './index';

afterEach(() => {
  setDebugAllocations(false);
  setLeakWarnings(false);
  vi.restoreAllMocks();
});

/** A heap of one 64 KiB page that cannot grow: the smallest request past it runs out. */
function fullHeap(): Heap {
  return new Heap(new WebAssembly.Memory({ initial: 1, maximum: 1 }), 0);
}

/** What `fn` throws (failing the test if it throws nothing). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

/** Three tensors made here, never disposed: a step that forgot its scope. */
function leakyStep(): Tensor[] {
  return [zeros([4]), zeros([4]), zeros([4])];
}

describe('out of memory', () => {
  it('is a typed error giving the live tensors, their bytes and the fix', () => {
    const held = [zeros([1000]), zeros([1000])];
    const err = thrown(() => new Operands(fullHeap()).scratch(1 << 20));
    expect(err).toBeInstanceOf(OutOfMemoryError);
    expect(err).toBeInstanceOf(GraftError);
    const oom = err as OutOfMemoryError;
    expect(oom.code).toBe('out_of_memory');
    expect(oom.device).toBe('cpu');
    expect(oom.message).toContain("the CPU backend's WebAssembly heap is full");
    expect(oom.message).toContain('1.0 MiB');
    expect(oom.message).toContain(`${memory().tensors.toLocaleString('en-US')} tensors are alive`);
    expect(oom.message).toMatch(/holding [\d.]+ (B|KiB|MiB|GiB) in [\d,]+ buffers on 'cpu'/);
    expect(oom.message).toMatch(/scope\(.*scopeAsync\(.*Trainer.*dispose\(\)/s);
    expect(oom.message).toContain('GRAFT_DEBUG_ALLOC=1');
    for (const t of held) t.dispose();
  });

  it('says where most live tensors were created when allocation debugging is on', () => {
    setDebugAllocations(true);
    const before = liveAllocationSites(100).reduce((n, s) => n + s.count, 0);
    const steps = [leakyStep(), leakyStep()];
    const sites = liveAllocationSites();
    expect(sites.reduce((n, s) => n + s.count, 0)).toBe(before + 6);
    // all six come from the one line in leakyStep, reached from this test
    expect(sites[0]).toEqual({ site: expect.stringMatching(/^leakyStep \(.*memory-debug\.test\.ts:\d+\) ← .*memory-debug\.test\.ts:\d+$/), count: 6 });
    const oom = thrown(() => new Operands(fullHeap()).scratch(1 << 20)) as OutOfMemoryError;
    expect(oom.message).toMatch(/Most live tensors were created at:\n\s+6 × leakyStep/);
    for (const t of steps.flat()) t.dispose();
    expect(liveAllocationSites(100).reduce((n, s) => n + s.count, 0)).toBe(before);
  });

  it('records nothing while allocation debugging is off', () => {
    const t = zeros([2]);
    expect(liveAllocationSites().some((s) => s.site.includes('memory-debug.test'))).toBe(false);
    t.dispose();
  });
});

describe('the garbage-collection safety net', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;

  /** Collects garbage until the safety net has released `n` more tensors than `from` (or gives up). */
  async function collectUntil(from: number, n: number): Promise<void> {
    for (let tries = 0; tries < 100 && leaks().tensors < from + n; tries++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('counts every collected tensor and its bytes, and warns once per batch with the batch count', async () => {
    // first let the collector release whatever earlier code dropped, so the counts below are ours
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    setLeakWarnings(true);
    setDebugAllocations(true);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const live = memory().tensors;
    const before = leaks();
    // 50 tensors of 4 float32s (16 bytes each) that nobody disposes or keeps a reference to
    (() => {
      for (let i = 0; i < 50; i++) zeros([4]);
    })();
    expect(memory().tensors).toBe(live + 50);
    await collectUntil(before.tensors, 50);
    await new Promise((r) => setTimeout(r, 20));
    expect(leaks()).toEqual({ tensors: before.tensors + 50, bytes: before.bytes + 50 * 16 });
    expect(memory().tensors).toBe(live);
    // the old warning fired on the first collection and always said "1 tensor(s)"
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/^graft: 50 tensor\(s\) holding 800 B were garbage-collected without dispose\(\)/);
    expect(warn.mock.calls[0][0]).toMatch(/created at:\n\s+50 × .*memory-debug\.test\.ts/);
  });
});
