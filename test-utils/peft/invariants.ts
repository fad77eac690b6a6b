/**
 * The invariant suite every PEFT method runs, as vitest tests: the checks themselves are public
 * (`@graft/peft/testing`, so plugin methods are held to the same suite), and this wraps each in
 * an `it`. packages/peft/src/invariants.test.ts runs it for each case in cases.ts and fails when a
 * registered method has no case. See packages/peft/src/testing/invariants.ts for what it checks.
 */
import { peftMethod } from '@graft/peft';
import { type PeftInvariantCase, peftInvariantChecks } from '@graft/peft/testing';
import { describe, it } from 'vitest';

export type { InvariantOutput, PeftInvariantCase } from '@graft/peft/testing';

/** Registers the suite for one case on one device (a vitest `describe`). */
export function describePeftInvariants(c: PeftInvariantCase, device = 'cpu'): void {
  const peftType = (c.config as { peft_type: string }).peft_type;
  describe(`${peftType} invariants: ${c.name} (${device})`, () => {
    for (const check of peftInvariantChecks(c, device)) it(check.name, check.run);
    // a method that cannot merge runs the refusal check instead; the merge check is reported as skipped, not silently absent
    if (!peftMethod(peftType).canMerge) it.skip(`merged equals unmerged (skipped: ${peftType} declares canMerge false)`, () => {});
  });
}
