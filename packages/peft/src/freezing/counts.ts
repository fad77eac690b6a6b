/** Parameter counts of a freezing strategy, as PEFT's `print_trainable_parameters` counts them. */
import type { Parameter } from '@graft/nn';
import type { ParameterCounts } from '../parameter-counts';

/** Counts the elements of `trainable` among `all` (each parameter once). */
export function countParameters(all: readonly Parameter[], trainable: ReadonlySet<Parameter>): ParameterCounts {
  let n = 0;
  let t = 0;
  for (const p of all) {
    n += p.size;
    if (trainable.has(p)) t += p.size;
  }
  return { trainable: t, all: n, percent: n === 0 ? 0 : (100 * t) / n };
}
