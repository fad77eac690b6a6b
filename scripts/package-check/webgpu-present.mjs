// `@graft/core/webgpu` after the user ran `npm install webgpu`: the published entry finds the peer
// from the user's node_modules and computes what the CPU computes. Without a WebGPU adapter
// (no GPU and no lavapipe) it skips with a notice, except under CI, where an adapter is installed.
import assert from 'node:assert/strict';
import { tensor } from '@graft/core';
import { registerWebGPU } from '@graft/core/webgpu';

const gpu = await registerWebGPU({ priority: -1 });
if (!gpu) {
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error('webgpu is installed but no WebGPU adapter was found (CI installs lavapipe)');
  console.log('webgpu (installed): skipped, no WebGPU adapter on this machine');
} else {
  const x = tensor(
    [
      [1, 2],
      [3, 4],
    ],
    { dtype: 'float32' },
  );
  const onGpu = x.to('webgpu');
  assert.equal(onGpu.device, 'webgpu');
  const product = await onGpu.matmul(onGpu).softmax().toAsync('cpu');
  const expected = x.matmul(x).softmax().dataSync();
  for (const [i, v] of (await product.data()).entries()) assert.ok(Math.abs(v - expected[i]) < 1e-6, `element ${i}: ${v} vs ${expected[i]}`);
  console.log('webgpu (installed): ok, matmul and softmax on the GPU match the CPU');
}
// Dawn's Node binding keeps the event loop alive while a device exists
process.exit(0);
