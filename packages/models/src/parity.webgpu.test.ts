/**
 * Parity with transformers on WebGPU (Dawn on lavapipe under Node): the same fixtures and bounds
 * as the CPU test (logits and hidden states 1e-4, loss 1e-5, gradients 1e-3 relative). With
 * CI=true a missing adapter fails the run; elsewhere the test is skipped and says why.
 */
import { registerWebGPU } from '@graft/core/webgpu';
import { describe, expect, inject, it } from 'vitest';
import { MODEL_FIXTURES, runParity } from '../../../test-utils/models/parity';

// priority -1: WebGPU serves tensors that ask for it, but never becomes the default device
const backend = await registerWebGPU({ priority: -1 });
if (!backend && inject('ci')) {
  it('finds a WebGPU adapter (CI=true)', () => {
    throw new Error('CI=true but no WebGPU adapter was found: install lavapipe (mesa-vulkan-drivers) for Node');
  });
}

describe.skipIf(!backend)('parity with transformers (webgpu)', () => {
  for (const fixture of MODEL_FIXTURES) {
    it(fixture, async () => {
      const r = await runParity(fixture, 'webgpu');
      console.log(
        `parity ${fixture} webgpu: logits ${r.logits.toExponential(2)}, hidden ${r.lastHiddenState?.toExponential(2) ?? '-'}, loss ${r.loss.toExponential(2)}, grad ${r.grad.toExponential(2)} (${r.gradKey}), ${r.gradCount} grads`,
      );
      expect(r.unmatchedGradKeys).toEqual([]);
      expect(r.paramsWithoutFixture).toEqual([]);
      expect(r.logits).toBeLessThan(1e-4);
      if (r.lastHiddenState !== null) expect(r.lastHiddenState).toBeLessThan(1e-4);
      expect(r.loss).toBeLessThan(1e-5);
      expect(r.grad).toBeLessThan(1e-3);
    });
  }
});
