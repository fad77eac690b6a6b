/**
 * A simulated device for machines without a GPU: the CPU's kernels behind a backend that, like
 * WebGPU, cannot read synchronously and cannot hold float64. Running the nn suite on it catches,
 * on every machine, the three ways library code ties itself to the CPU: a synchronous read
 * (`dataSync`/`itemSync` throw), a tensor created on the default device instead of its inputs'
 * (ops mixing devices throw `DeviceMismatchError`), and float64 intermediates (allocation throws).
 */
import { backends, cpuBackend } from '@graft/core';

/** The simulated device's name. */
export const ASYNC_DEVICE = 'cpu-async';

/** Registers the simulated device once (at the lowest priority, so it never becomes the default). */
export function registerAsyncDevice(): string {
  if (!backends.has(ASYNC_DEVICE)) {
    const { readSync: _sync, ...cpu } = cpuBackend();
    backends.register({ ...cpu, name: ASYNC_DEVICE, dtypes: ['float32', 'int32', 'bool'] }, { priority: -10 });
  }
  return ASYNC_DEVICE;
}
