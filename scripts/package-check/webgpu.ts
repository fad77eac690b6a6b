/**
 * `@graft/core/webgpu` in a project that did not install the optional `webgpu` peer: importing
 * works, `registerWebGPU()` returns null, and `{ required: true }` rejects with a typed error that
 * says what to install. Type-checked with `skipLibCheck: false`, which needs the `@webgpu/types`
 * reference in the published declarations.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { GraftError } from '@graft/core';
import { registerWebGPU, WebGPUUnavailableError, type GpuContext } from '@graft/core/webgpu';

const require = createRequire(import.meta.url);
assert.throws(() => require.resolve('webgpu'), 'the optional webgpu peer must not be installed with @graft/core');

assert.equal(await registerWebGPU(), null);
await assert.rejects(registerWebGPU({ required: true }), (e: unknown) => {
  assert.ok(e instanceof WebGPUUnavailableError && e instanceof GraftError, `expected WebGPUUnavailableError, got ${String(e)}`);
  assert.equal(e.code, 'webgpu_unavailable');
  assert.match(e.message, /npm install webgpu/);
  return true;
});

// the WebGPU globals resolve for users (GPUDevice comes from @webgpu/types)
const usesDevice = (ctx: GpuContext): GPUDevice => ctx.device;
assert.equal(typeof usesDevice, 'function');
console.log('webgpu (not installed): ok');
