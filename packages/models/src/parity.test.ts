/**
 * Parity with transformers on the CPU: every model fixture (assets/fixtures/models) loaded through
 * fromPretrained reproduces transformers' logits and last hidden states within 1e-4, its loss
 * within 1e-5, and every parameter's gradient within 1e-3 relative (max|Δ| / max|expected| per
 * tensor; see test-utils/models/parity.ts).
 */
import { describe, expect, it } from 'vitest';
import { MODEL_FIXTURES, runParity } from '../../../test-utils/models/parity';

describe('parity with transformers (cpu)', () => {
  for (const fixture of MODEL_FIXTURES) {
    it(fixture, async () => {
      const r = await runParity(fixture, 'cpu');
      console.log(
        `parity ${fixture} cpu: logits ${r.logits.toExponential(2)}, hidden ${r.lastHiddenState?.toExponential(2) ?? '-'}, loss ${r.loss.toExponential(2)}, grad ${r.grad.toExponential(2)} (${r.gradKey}), ${r.gradCount} grads`,
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
