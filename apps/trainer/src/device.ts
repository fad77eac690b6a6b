/**
 * `--device webgpu`: the WebGPU backend is registered on demand (importing it does nothing, and
 * the CPU needs no setup). No adapter is a usage error that says what to do instead.
 */
import { usageError } from './errors';

/** Makes `device` usable: registers WebGPU when asked for; the CPU is always there. */
export async function prepareDevice(device: string | undefined): Promise<void> {
  if (device !== 'webgpu') return;
  const { registerWebGPU } = await import('@graft/core/webgpu');
  const backend = await registerWebGPU();
  if (!backend)
    throw usageError(
      '--device webgpu: no WebGPU adapter on this machine (Node needs the optional "webgpu" package and a GPU or lavapipe); use --device cpu',
      'device_unavailable',
    );
}
