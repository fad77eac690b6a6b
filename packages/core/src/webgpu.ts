/**
 * `@graft/core/webgpu`: the WebGPU backend. One entry point for the browser (`navigator.gpu`) and
 * Node (Dawn, through the optional `webgpu` package, loaded only when there is no navigator.gpu).
 * @example
 * const gpu = await registerWebGPU();           // null when no adapter exists
 * if (gpu) setBackend('webgpu');
 */
import { registerBackend } from './backend/global';
import { createWebGPUBackend, type CreateWebGPUBackendOptions, type WebGPUBackend } from './backend/webgpu/index';
import { WebGPUUnavailableError } from './backend/webgpu/errors';

export { createWebGPUBackend, type CreateWebGPUBackendOptions, type WebGPUBackend } from './backend/webgpu/index';
export { findGpu, type WebGPUOptions, type GpuContext, type GpuLimits } from './backend/webgpu/device';
export { sizeClass, type PoolStats } from './backend/webgpu/buffer-pool';
export type { BindGroupStats } from './backend/webgpu/bind-groups';
export { WebGPUDeviceLostError, WebGPUIndexError, WebGPULimitError, WebGPUUnavailableError, WebGPUValidationError } from './backend/webgpu/errors';

/** Options of `registerWebGPU`: those of `createWebGPUBackend`, plus whether a missing adapter throws and the registry priority. */
export interface RegisterWebGPUOptions extends CreateWebGPUBackendOptions {
  /** Throw WebGPUUnavailableError instead of returning null when there is no adapter. */
  required?: boolean;
  /** Registry priority (default 1: above the CPU, so it becomes the default backend). */
  priority?: number;
}

/**
 * Creates the WebGPU backend and registers it (as `'webgpu'` unless `name` says otherwise).
 * Returns null when WebGPU is unavailable, unless `required`.
 */
export async function registerWebGPU(opts: RegisterWebGPUOptions = {}): Promise<WebGPUBackend | null> {
  let backend: WebGPUBackend;
  try {
    backend = await createWebGPUBackend(opts);
  } catch (e) {
    if (e instanceof WebGPUUnavailableError && !opts.required) return null;
    throw e;
  }
  registerBackend(backend, { priority: opts.priority ?? 1 });
  return backend;
}
