/**
 * What the Run button does: pick the device (WebGPU when the browser has an adapter and the
 * reader did not ask for the CPU), run one registered example with its output sent to the page,
 * and report the device and the time. RunExample.vue imports this module on the first click, so a
 * page pays for Graft's code only when someone runs an example.
 */
import { backends, setBackend } from '@graft/core';
import { runnable } from './runnable';

/** Where a run goes: `auto` is WebGPU when available, else the CPU. */
export type DeviceChoice = 'auto' | 'cpu';

/** Registers WebGPU for one run; resolves to a description of the adapter, or null without one. */
async function registerAdapter(): Promise<string | null> {
  const { registerWebGPU } = await import('@graft/core/webgpu');
  const gpu = await registerWebGPU({ priority: -1 }); // the CPU stays the default until the run picks WebGPU
  if (!gpu) return null;
  const { vendor, architecture, description } = gpu.gpu.adapterInfo;
  return [vendor, architecture, description].filter(Boolean).join(' ') || 'unnamed adapter';
}

/**
 * Runs example `id` on the chosen device, sending each line it prints to `log`. Each run starts
 * from the CPU alone and ends by releasing WebGPU, so runs are independent of each other and an
 * example that registers WebGPU itself (`picksDevice`) can do so however often it is clicked.
 */
export async function runExample(id: string, choice: DeviceChoice, log: (line: string) => void, dataBase: string): Promise<void> {
  const example = runnable[id];
  if (!example) throw new Error(`no runnable example '${id}' (registered: ${Object.keys(runnable).join(', ')})`);
  const hasGpu = typeof navigator !== 'undefined' && 'gpu' in navigator;
  try {
    if (example.picksDevice) {
      if (choice === 'cpu') log('device: this example picks its device itself');
    } else {
      const adapter = choice === 'auto' && hasGpu ? await registerAdapter() : null;
      setBackend(adapter ? 'webgpu' : 'cpu');
      log(adapter ? `device: webgpu (${adapter})` : `device: cpu${choice === 'auto' ? ' (this browser has no WebGPU adapter)' : ''}`);
    }
    const started = performance.now();
    await example.run({ log, data: (path) => new URL(path, dataBase).href });
    log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    backends.unregister('webgpu'); // releases the device, if this run made one
    setBackend('cpu');
  }
}
