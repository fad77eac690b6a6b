/**
 * Choosing a device: register WebGPU (null where there is no adapter), make it the default when
 * it is there, and compute on it; values come back with one `await`. Runs in Node (with the
 * optional `webgpu` package) and in the browser, on WebGPU or else the CPU.
 *
 *   tsx docs/examples/core/webgpu.ts
 */
import { getBackend, setBackend, tensor } from '@graft/core';
import { registerWebGPU } from '@graft/core/webgpu';
import { isMain } from '../is-main';

/** Runs a row softmax of x·x on the best device there is; resolves to the device and the values. */
export async function softmaxOnBestDevice(log: (line: string) => void): Promise<{ device: string; values: Float32Array }> {
  const gpu = await registerWebGPU(); // null when there is no adapter
  setBackend(gpu ? 'webgpu' : 'cpu'); // the device of tensors created without one
  log(`default device: ${getBackend().name}${gpu ? ` (${gpu.gpu.adapterInfo.description || gpu.gpu.adapterInfo.vendor})` : ''}`);

  const x = tensor(
    [
      [1, 2],
      [3, 4],
    ],
    { dtype: 'float32' }, // whole numbers alone make an int32 tensor, as in PyTorch
  );
  const y = x.matmul(x).softmax(); // enqueued, not yet run
  const values = (await y.data()) as Float32Array; // the one synchronisation point
  log(`softmax(x·x) = [${[...values].map((v) => v.toFixed(4)).join(', ')}] on ${y.device}`);
  x.dispose();
  y.dispose();
  return { device: getBackend().name, values };
}

if (isMain(import.meta.url)) void softmaxOnBestDevice(console.log);
