/**
 * Picks the device: WebGPU when the browser gives an adapter (and the user did not ask for the
 * CPU), else the CPU backend, whose WebAssembly SIMD kernels run on worker threads when the page
 * is cross-origin isolated (SharedArrayBuffer) and on this worker's thread alone otherwise.
 */
import { cpuInfo, initCpu, setBackend } from '@graft/core';
import { registerWebGPU } from '@graft/core/webgpu';
import type { DeviceInfo, DevicePreference } from '../protocol';
import { PlaygroundError } from './errors';

type GpuNavigator = { gpu?: unknown; hardwareConcurrency?: number };

/** The CPU's description for people. */
function cpuLabel(threads: number, simd: boolean): string {
  return `CPU (WebAssembly${simd ? ' SIMD' : ''}, ${threads} thread${threads === 1 ? '' : 's'})`;
}

/**
 * Starts the backend `preference` asks for and makes it the default. `webgpu` fails with
 * `webgpu_unavailable` where there is no adapter; `auto` falls back to the CPU and says why.
 */
export async function startDevice(preference: DevicePreference): Promise<DeviceInfo> {
  const nav = globalThis.navigator as GpuNavigator | undefined;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  // threads share the WASM heap, which needs SharedArrayBuffer (cross-origin isolation)
  const threads = isolated ? Math.max(1, Math.min(8, nav?.hardwareConcurrency ?? 1)) : 1;
  let note: string | null = null;
  let webgpuAvailable = false;
  if (preference !== 'cpu') {
    if (!nav?.gpu) note = 'this browser has no WebGPU (navigator.gpu is missing)';
    else {
      const gpu = await registerWebGPU().catch((e: unknown) => {
        note = `WebGPU failed to start: ${(e as Error).message}`;
        return null;
      });
      if (gpu) {
        webgpuAvailable = true;
        setBackend('webgpu');
        const { vendor, architecture, description } = gpu.gpu.adapterInfo;
        const adapter = [vendor, architecture || description].filter(Boolean).join(' ');
        return {
          backend: 'webgpu',
          label: `WebGPU${adapter ? ` (${adapter})` : ''}`,
          webgpuAvailable,
          webgpuNote: null,
          threads,
          crossOriginIsolated: isolated,
        };
      }
      note ??= 'the browser offers no WebGPU adapter';
    }
    if (preference === 'webgpu') throw new PlaygroundError('webgpu_unavailable', `WebGPU was asked for, but ${note}`);
  } else {
    webgpuAvailable = !!nav?.gpu;
    note = 'the CPU was chosen';
  }
  const cpu = await initCpu({ threads });
  setBackend('cpu');
  const info = cpuInfo();
  return {
    backend: 'cpu',
    label: cpuLabel(info.threads, cpu.simd),
    webgpuAvailable,
    webgpuNote: note,
    threads: info.threads,
    crossOriginIsolated: isolated,
  };
}
