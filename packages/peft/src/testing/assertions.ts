/**
 * The comparisons of the invariant suite, without a test framework: each throws a
 * `PeftInvariantError` naming the invariant and the first element that differs, so a failure in
 * any runner says what broke and where.
 */
import { GraftError } from '@graft/core';

/** The invariants of the suite, as they appear in {@link PeftInvariantError.invariant}. */
export type PeftInvariant = 'setup' | 'trainable' | 'disabled' | 'files' | 'merge';

/** A PEFT method broke one of the suite's invariants (code `peft_invariant_failed`). */
export class PeftInvariantError extends GraftError {
  /** Which invariant failed. */
  readonly invariant: PeftInvariant;

  constructor(invariant: PeftInvariant, message: string) {
    super('peft_invariant_failed', message);
    this.invariant = invariant;
  }
}

function lengths(got: ArrayLike<number>, want: ArrayLike<number>, invariant: PeftInvariant, what: string): void {
  if (got.length !== want.length) throw new PeftInvariantError(invariant, `${what}: ${got.length} values, expected ${want.length}`);
}

/** Asserts bit-identical values (NaN equals NaN). */
export function assertSameValues(got: ArrayLike<number>, want: ArrayLike<number>, invariant: PeftInvariant, what: string): void {
  lengths(got, want, invariant, what);
  for (let i = 0; i < want.length; i++) {
    if (Object.is(got[i], want[i]) || got[i] === want[i]) continue;
    throw new PeftInvariantError(invariant, `${what}: element ${i} is ${got[i]}, expected exactly ${want[i]}`);
  }
}

/** Asserts `|got − want| ≤ atol + rtol·|want|` elementwise. */
export function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number, invariant: PeftInvariant, what: string): void {
  lengths(got, want, invariant, what);
  for (let i = 0; i < want.length; i++) {
    const a = got[i];
    const e = want[i];
    if (a === e || (Number.isNaN(a) && Number.isNaN(e))) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e)))
      throw new PeftInvariantError(invariant, `${what}: element ${i} is ${a}, expected ${e} (atol ${atol}, rtol ${rtol})`);
  }
}

/** Asserts that two files have the same bytes. */
export function assertBytesEqual(got: Uint8Array | undefined, want: Uint8Array, invariant: PeftInvariant, what: string): void {
  if (!got) throw new PeftInvariantError(invariant, `${what}: the file is missing`);
  if (got.length !== want.length) throw new PeftInvariantError(invariant, `${what}: ${got.length} bytes, expected ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) throw new PeftInvariantError(invariant, `${what}: byte ${i} differs (${got[i]}, expected ${want[i]})`);
  }
}
