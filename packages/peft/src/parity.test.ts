/**
 * Parity with PEFT on the CPU: the adapter PEFT 0.21 saved (assets/fixtures/peft/bert-seqcls-lora),
 * loaded onto fixtures/models/bert-seqcls, reproduces PEFT's logits and merged logits within
 * 1e-5, the loss within 1e-5, and the trainable parameters' gradients within 1e-4 relative
 * (max|Δ| / max|expected| per tensor; see test-utils/peft/fixture.ts). The names of the
 * trainable parameters are PEFT's in-memory names, and the counts are the ones PEFT printed.
 */
import { describe, expect, it } from 'vitest';
import { peftFixtureReadme, runPeftParity } from '../../../test-utils/peft/fixture';

describe('parity with PEFT (cpu)', () => {
  it('bert-seqcls-lora: logits, loss, gradients, merged logits and counts', async () => {
    const r = await runPeftParity('cpu');
    console.log(
      `peft parity cpu: logits ${r.logits.toExponential(2)}, loss ${r.loss.toExponential(2)}, merged ${r.mergedLogits.toExponential(2)}, grad ${r.grad.toExponential(2)} (${r.gradKey}), ${r.gradCount} grads`,
    );
    expect(r.unmatchedGradKeys).toEqual([]);
    expect(r.trainableWithoutFixture).toEqual([]);
    expect(r.gradCount).toBe(10);
    expect(r.logits).toBeLessThan(1e-5);
    expect(r.loss).toBeLessThan(1e-5);
    expect(r.mergedLogits).toBeLessThan(1e-5);
    expect(r.grad).toBeLessThan(1e-4);
    const { trainable_params, all_params, trainable_percent } = peftFixtureReadme();
    expect(r.printed).toBe(`trainable params: 1,090 || all params: 53,154 || trainable%: ${trainable_percent.toFixed(4)}`);
    expect([trainable_params, all_params]).toEqual([1090, 53154]);
  });
});
