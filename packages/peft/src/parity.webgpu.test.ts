/**
 * Parity with PEFT and the invariant suite on WebGPU (Dawn on lavapipe under Node): the fixture
 * adapter reproduces PEFT's logits and merged logits within 1e-5 and the gradients within 1e-4
 * relative, as on the CPU, and one case per built-in method runs the invariant suite. With
 * CI=true a missing adapter fails the run; elsewhere the tests are skipped.
 */
import { registerWebGPU } from '@graft/core/webgpu';
import { describe, expect, inject, it } from 'vitest';
import { PEFT_INVARIANT_CASES } from '../../../test-utils/peft/cases';
import { runPeftParity } from '../../../test-utils/peft/fixture';
import { describePeftInvariants } from '../../../test-utils/peft/invariants';
import { getPeftModel } from './peft-model';
import { fixtureBase } from '../../../test-utils/peft/fixture';

// priority -1: WebGPU serves tensors that ask for it, but never becomes the default device
const backend = await registerWebGPU({ priority: -1 });
if (!backend && inject('ci')) {
  it('finds a WebGPU adapter (CI=true)', () => {
    throw new Error('CI=true but no WebGPU adapter was found: install lavapipe (mesa-vulkan-drivers) for Node');
  });
}

describe.skipIf(!backend)('parity with PEFT (webgpu)', () => {
  it('bert-seqcls-lora: logits, loss, gradients, merged logits and counts', async () => {
    const r = await runPeftParity('webgpu');
    console.log(
      `peft parity webgpu: logits ${r.logits.toExponential(2)}, loss ${r.loss.toExponential(2)}, merged ${r.mergedLogits.toExponential(2)}, grad ${r.grad.toExponential(2)} (${r.gradKey}), ${r.gradCount} grads`,
    );
    expect(r.unmatchedGradKeys).toEqual([]);
    expect(r.trainableWithoutFixture).toEqual([]);
    expect(r.logits).toBeLessThan(1e-5);
    expect(r.loss).toBeLessThan(1e-5);
    expect(r.mergedLogits).toBeLessThan(1e-5);
    expect(r.grad).toBeLessThan(1e-4);
    expect(r.printed).toBe('trainable params: 1,090 || all params: 53,154 || trainable%: 2.0506');
  });

  it('safe-merges from the GPU asynchronously (the synchronous form says why it cannot)', async () => {
    const peft = getPeftModel(await fixtureBase('webgpu'), { peft_type: 'LORA', task_type: 'SEQ_CLS', r: 2 }, { warn: () => {} });
    expect(() => peft.merge({ safeMerge: true })).toThrow(expect.objectContaining({ code: 'sync_read_unsupported' }));
    expect(() => peft.toAdapterFiles()).toThrow(expect.objectContaining({ code: 'sync_read_unsupported' }));
    await peft.mergeAsync({ safeMerge: true });
    expect(peft.base_model.adapterLayers().every(([, l]) => l.merged)).toBe(true);
    peft.dispose();
  });
});

if (backend) {
  // one case per built-in method: the first of each in cases.ts
  const seen = new Set<string>();
  for (const c of PEFT_INVARIANT_CASES) {
    const type = (c.config as { peft_type: string }).peft_type;
    if (seen.has(type)) continue;
    seen.add(type);
    describePeftInvariants(c, 'webgpu');
  }
}
