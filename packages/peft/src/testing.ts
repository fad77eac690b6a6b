/**
 * @graft/peft/testing: the invariant suite every PEFT method must pass, for methods that live in
 * other packages (plugins). `peftInvariantChecks(case)` returns named async checks for any test
 * runner (in vitest: `for (const c of peftInvariantChecks(myCase)) it(c.name, c.run)`); a failed
 * check throws a `PeftInvariantError` naming the invariant. Graft's own methods run the same
 * checks. This entry uses no Node API and no test framework.
 * @packageDocumentation
 */
export {
  checkPeftInvariants,
  peftInvariantChecks,
  type InvariantOutput,
  type PeftInvariantCase,
  type PeftInvariantCheck,
} from './testing/invariants';
export { PeftInvariantError, type PeftInvariant } from './testing/assertions';
