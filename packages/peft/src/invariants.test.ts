/**
 * The shared invariant suite on the CPU, for every case of test-utils/peft/cases.ts (see
 * test-utils/peft/invariants.ts for what it checks). A registered method without a case fails
 * here: adding a method means adding its cases.
 */
import { describe, expect, it } from 'vitest';
import { PEFT_INVARIANT_CASES } from '../../../test-utils/peft/cases';
import { describePeftInvariants } from '../../../test-utils/peft/invariants';
import { peftMethods } from './registry';

for (const c of PEFT_INVARIANT_CASES) describePeftInvariants(c, 'cpu');

describe('the invariant suite', () => {
  it('has a case for every registered method', () => {
    const covered = new Set(PEFT_INVARIANT_CASES.map((c) => (c.config as { peft_type: string }).peft_type));
    expect(Object.keys(peftMethods).filter((t) => !covered.has(t))).toEqual([]);
  });
});
