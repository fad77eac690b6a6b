/**
 * What the Run button does: pick the device (WebGPU when the browser has an adapter and the
 * reader did not ask for the CPU), run one registered example with its output sent to the page,
 * and report the device and the time. RunExample.vue imports this module on the first click, so a
 * page pays for Graft's code only when someone runs an example.
 */
import { setBackend } from '@graft/core';
import { runnable } from './runnable';

/** Where a run goes: `auto` is WebGPU when available, else the CPU. */
export type DeviceChoice = 'auto' | 'cpu';

let webgpu: Promise<string | null> | undefined;

/** Registers WebGPU once per page; resolves to a description of the adapter, or null without one. */
function webgpuAdapter(): Promise<string | null> {
  webgpu ??= import('@graft/core/webgpu').then(async ({ registerWebGPU }) => {
    const gpu = await registerWebGPU({ priority: -1 }); // the CPU stays the default until a run picks WebGPU
    if (!gpu) return null;
    const { vendor, architecture, description } = gpu.gpu.adapterInfo;
    return [vendor, architecture, description].filter(Boolean).join(' ') || 'unnamed adapter';
  });
  return webgpu;
}

/** Runs example `id` on the chosen device, sending each line it prints to `log`; resolves to the device used. */
export async function runExample(id: string, choice: DeviceChoice, log: (line: string) => void, dataBase: string): Promise<'webgpu' | 'cpu'> {
  const example = runnable[id];
  if (!example) throw new Error(`no runnable example '${id}' (registered: ${Object.keys(runnable).join(', ')})`);
  const adapter = choice === 'auto' && typeof navigator !== 'undefined' && 'gpu' in navigator ? await webgpuAdapter() : null;
  const device = adapter ? 'webgpu' : 'cpu';
  setBackend(device);
  log(device === 'webgpu' ? `device: webgpu (${adapter})` : `device: cpu${choice === 'auto' ? ' (this browser has no WebGPU adapter)' : ''}`);
  const started = performance.now();
  await example.run({ log, data: (path) => new URL(path, dataBase).href });
  log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return device;
}
