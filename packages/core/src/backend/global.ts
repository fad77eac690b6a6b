/**
 * The process-wide backend registry, with the CPU backend always registered. Other backends
 * (WebGPU, plugins) are added with `registerBackend`.
 */
import { cpuBackend } from './cpu/index';
import type { Backend, Kernel } from './backend';
import { BackendRegistry } from './registry';
import type { AnyKernelOp } from '../ops/spec';

export const backends = new BackendRegistry();
backends.register(cpuBackend(), { priority: 0 });

/** Registers a backend so tensors can live on it. */
export function registerBackend(backend: Backend, opts?: { priority?: number }): void {
  backends.register(backend, opts);
}

/** Chooses the device of tensors created without an explicit `device`. */
export function setBackend(name: string): void {
  backends.setDefault(name);
}

/** The backend new tensors go to by default. */
export function getBackend(name?: string): Backend {
  return name === undefined ? backends.default() : backends.get(name);
}

/** Adds or replaces a kernel of a registered backend. */
export function registerKernel<K extends AnyKernelOp>(backendName: string, op: K, kernel: Kernel<K>): void {
  backends.registerKernel(backendName, op, kernel);
}
