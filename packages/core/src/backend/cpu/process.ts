/**
 * The process-wide CPU backend's start settings. It is registered lazily (backend/global.ts) and
 * created on first use, from the documented defaults below and whatever `setCpuKernels` /
 * `setCpuThreads` (or `initCpu`) set before then.
 */
import { cpuBackend, type CpuBackend, type CpuBackendOptions, type CpuKernelMode } from './index';

/** Settings chosen in code before the backend started; they win over the environment. */
export const chosen: { kernels?: CpuKernelMode; threads?: number } = {};

type Env = Record<string, string | undefined>;

/**
 * The defaults from the environment, where there is one: `GRAFT_CPU_KERNELS=scalar` runs the
 * TypeScript kernels only, `GRAFT_CPU_THREADS=n` sets the thread count. Read when the backend
 * starts (or `cpuInfo()` describes one that has not), never at import.
 */
export function envSettings(): { kernels?: CpuKernelMode; threads?: number } {
  const env: Env = (globalThis as { process?: { env?: Env } }).process?.env ?? {};
  const threads = Number(env.GRAFT_CPU_THREADS);
  return {
    kernels: env.GRAFT_CPU_KERNELS === 'scalar' ? 'scalar' : env.GRAFT_CPU_KERNELS === 'wasm' ? 'wasm' : undefined,
    threads: threads > 0 ? Math.floor(threads) : undefined,
  };
}

/** The options the process-wide backend starts (or started) with. */
export function startOptions(): CpuBackendOptions {
  const env = envSettings();
  return { name: 'cpu', kernels: chosen.kernels ?? env.kernels, threads: chosen.threads ?? env.threads };
}

/** Creates the process-wide CPU backend (the registry calls this on first use). */
export function createProcessCpu(): CpuBackend {
  return cpuBackend(startOptions());
}
