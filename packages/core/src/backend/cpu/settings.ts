/**
 * Process-wide settings of the CPU backend: which kernels run (the WASM SIMD kernels, or the
 * TypeScript reference) and on how many threads. The WASM runtime and its thread pool are
 * created on first use and shared by every CPU backend instance.
 */
import { hardwareThreads, ThreadPool } from './wasm/pool';
import { wasmRuntime, type WasmRuntime } from './wasm/runtime';

/** `wasm`: WASM SIMD kernels where they apply (the default); `scalar`: the TypeScript reference only. */
export type CpuKernelMode = 'wasm' | 'scalar';

type Env = Record<string, string | undefined>;
const env: Env = (globalThis as { process?: { env?: Env } }).process?.env ?? {};

let mode: CpuKernelMode = env.GRAFT_CPU_KERNELS === 'scalar' ? 'scalar' : 'wasm';
let threads = Number(env.GRAFT_CPU_THREADS) > 0 ? Math.floor(Number(env.GRAFT_CPU_THREADS)) : hardwareThreads();
let pool: ThreadPool | null = null;
let noticed = false;
const listeners = new Set<() => void>();

/** The WASM runtime and pool when WASM mode is on and the engine supports it, else null. */
export function wasmContext(): { rt: WasmRuntime; pool: ThreadPool } | null {
  if (mode !== 'wasm') return null;
  const rt = wasmRuntime();
  if (!rt) return null;
  if (!pool) {
    pool = new ThreadPool(rt, threads);
    if (!rt.shared && threads > 1 && !noticed) {
      noticed = true;
      console.info('graft: SharedArrayBuffer is unavailable (page not cross-origin isolated), so the CPU backend runs on one thread');
    }
  }
  return { rt, pool };
}

/**
 * The runtime whose heap holds CPU storage: loaded once WASM mode has been on, and kept when
 * the mode later switches to scalar (the TypeScript kernels read heap arrays just as well, and
 * buffers allocated there must go back there).
 */
export function heapRuntime(): WasmRuntime | null {
  if (mode === 'wasm') return wasmContext()?.rt ?? null;
  return pool ? wasmRuntime() : null;
}

/** @internal CPU backends re-install their kernels when the mode changes */
export function onCpuModeChange(fn: () => void): void {
  listeners.add(fn);
}

/** Chooses the CPU kernels: `'wasm'` (WASM SIMD where supported, the default) or `'scalar'` (TypeScript reference). */
export function setCpuKernels(next: CpuKernelMode): void {
  if (next === mode) return;
  mode = next;
  for (const fn of listeners) fn();
}

/** Sets how many threads the CPU backend's WASM kernels use (default: the hardware's). */
export function setCpuThreads(n: number): void {
  if (!Number.isFinite(n) || n < 1) throw new RangeError(`setCpuThreads: expected a positive thread count, got ${n}`);
  threads = Math.floor(n);
  pool?.resize(threads);
}

/** What the CPU backend runs on: kernels, threads, shared memory and heap use. */
export function cpuInfo(): { kernels: CpuKernelMode; simd: boolean; threads: number; workersReady: number; sharedMemory: boolean; heapBytes: number; heapLiveBytes: number } {
  const ctx = wasmContext();
  return {
    kernels: ctx ? 'wasm' : 'scalar',
    simd: ctx !== null,
    threads: ctx?.rt.shared ? threads : 1,
    workersReady: ctx?.pool.readyWorkers ?? 0,
    sharedMemory: ctx?.rt.shared ?? false,
    heapBytes: ctx?.rt.heap.capacity ?? 0,
    heapLiveBytes: ctx?.rt.heap.liveBytes ?? 0,
  };
}
