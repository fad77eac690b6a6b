/**
 * The nn conformance suite on WebGPU: Dawn (lavapipe in CI) under Node. With CI=true a missing
 * adapter fails the run (core's convention); elsewhere the suite is skipped and says why.
 */
import { registerWebGPU } from '@graft/core/webgpu';
import { inject, it } from 'vitest';
import { nnConformanceSuite } from '../../../../test-utils/nn/suite';

// priority -1: WebGPU is available to tensors that ask for it, but never the default device
const backend = await registerWebGPU({ priority: -1 });
if (!backend && inject('ci')) {
  it('finds a WebGPU adapter (CI=true)', () => {
    throw new Error('CI=true but no WebGPU adapter was found: install lavapipe (mesa-vulkan-drivers) for Node, or start Chromium with --enable-unsafe-webgpu');
  });
}
nnConformanceSuite('webgpu', { skip: backend ? null : 'no WebGPU adapter' });
