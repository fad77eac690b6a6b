/**
 * The process-wide backend registry. The CPU backend is registered lazily: importing
 * @graft/core creates nothing, reads no environment variable and compiles nothing; the backend
 * starts when a tensor first needs it (or on `await initCpu()`). Other backends (WebGPU,
 * plugins) are added with `registerBackend`.
 */
import type { Backend, Kernel } from './backend';
import { createProcessCpu } from './cpu/process';
import { BackendRegistry } from './registry';
import type { AnyKernelOp } from '../ops/spec';

/** The process-wide registry, which tensors created without a registry use. */
export const backends = new BackendRegistry();
// only a factory: nothing is created until a tensor needs the CPU
backends.registerLazy('cpu', createProcessCpu, { priority: 0 });

/** Registers a backend so tensors can live on it. */
export function registerBackend(backend: Backend, opts?: { priority?: number }): void {
  backends.register(backend, opts);
}

/** Chooses the device of tensors created without an explicit `device`. */
export function setBackend(name: string): void {
  backends.setDefault(name);
}

/** The backend new tensors go to by default (or the one named), started if it was not yet. */
export function getBackend(name?: string): Backend {
  return name === undefined ? backends.default() : backends.get(name);
}

/** Adds or replaces a kernel of a registered backend. */
export function registerKernel<K extends AnyKernelOp>(backendName: string, op: K, kernel: Kernel<K>): void {
  backends.registerKernel(backendName, op, kernel);
}
