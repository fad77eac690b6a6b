/**
 * The conformance suite on WebGPU: Dawn (lavapipe in CI) under Node, navigator.gpu in the browser
 * project. With CI=true a missing adapter fails the run; elsewhere the suite is skipped and says why.
 */
import { inject, it } from 'vitest';
import { registerWebGPU } from '../webgpu';
import { conformanceSuite } from '../../../../test-utils/core/conformance/suite';

// the core-scalar project reruns core's tests for the CPU's TypeScript kernels; WebGPU runs once
const scalarRerun = typeof process !== 'undefined' && process.env?.GRAFT_CPU_KERNELS === 'scalar';
const backend = scalarRerun ? null : await registerWebGPU({ priority: -1 });
const ci = inject('ci') && !scalarRerun;
if (!backend && ci) {
  it('finds a WebGPU adapter (CI=true)', () => {
    throw new Error('CI=true but no WebGPU adapter was found: install lavapipe (mesa-vulkan-drivers) for Node, or start Chromium with --enable-unsafe-webgpu');
  });
}
conformanceSuite('webgpu', { skip: scalarRerun ? 'runs in the core project' : backend ? null : 'no WebGPU adapter' });
