/**
 * Settings of the process-wide CPU backend (the `'cpu'` of the registry): which kernels run (the
 * WASM SIMD kernels, or the TypeScript reference) and on how many threads. They apply to the
 * running backend, or, before it has started, to the one that will start; `initCpu()` starts it
 * now, compiling the WASM kernels asynchronously.
 */
import { ArgumentError } from '../../errors';
import { backends } from '../global';
import { checkThreads, type CpuBackend, type CpuBackendOptions, type CpuInfo, type CpuKernelMode } from './index';
import { chosen, startOptions } from './process';
import { hardwareThreads } from './wasm/pool';
import { wasmRuntimeAsync } from './wasm/runtime';

/** The registry's CPU backend if it has started and is one of ours (a plugin may have replaced it). */
function runningCpu(): CpuBackend | null {
  if (!backends.isStarted('cpu')) return null;
  const b = backends.get('cpu') as Partial<CpuBackend>;
  return typeof b.setKernels === 'function' && typeof b.info === 'function' ? (b as CpuBackend) : null;
}

/** Chooses the CPU kernels: `'wasm'` (WASM SIMD where supported, the default) or `'scalar'` (TypeScript reference). */
export function setCpuKernels(mode: CpuKernelMode): void {
  if (mode !== 'wasm' && mode !== 'scalar') throw new ArgumentError(`setCpuKernels: expected 'wasm' or 'scalar', got '${String(mode)}'`);
  chosen.kernels = mode;
  runningCpu()?.setKernels(mode);
}

/** Sets how many threads the CPU backend's WASM kernels use (default: the hardware's). */
export function setCpuThreads(threads: number): void {
  chosen.threads = checkThreads(threads, 'setCpuThreads');
  runningCpu()?.setThreads(chosen.threads);
}

/**
 * What the CPU backend runs on: kernels, threads, shared memory and heap use. Starts nothing:
 * before first use it reports `started: false` and the settings the backend will start with.
 */
export function cpuInfo(): CpuInfo {
  const running = runningCpu();
  if (running) return running.info();
  const opts = startOptions();
  return {
    started: false,
    kernels: opts.kernels ?? 'wasm',
    simd: false,
    threads: opts.threads ?? hardwareThreads(),
    workersReady: 0,
    sharedMemory: false,
    heapBytes: 0,
    heapLiveBytes: 0,
  };
}

/**
 * Starts the CPU backend now rather than on first use, with `opts` applied (as `setCpuKernels` /
 * `setCpuThreads`), compiling the WASM kernels asynchronously so a page's main thread does not
 * block on them. Resolves to `cpuInfo()`. Optional: without it the backend starts on the first
 * op, compiling synchronously. Calling it again applies `opts` to the running backend.
 * @example
 * const info = await initCpu({ threads: 4 });   // info.simd: whether the WASM kernels loaded
 */
export async function initCpu(opts: Omit<CpuBackendOptions, 'name'> = {}): Promise<CpuInfo> {
  if (opts.kernels !== undefined) setCpuKernels(opts.kernels);
  if (opts.threads !== undefined) setCpuThreads(opts.threads);
  if (!backends.isStarted('cpu') && (startOptions().kernels ?? 'wasm') === 'wasm') await wasmRuntimeAsync();
  backends.get('cpu');
  return cpuInfo();
}
