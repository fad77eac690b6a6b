/** Parameter counts of a freezing strategy, in PEFT's `print_trainable_parameters` format. */
import type { Parameter } from '@graft/nn';

/** How many parameters train, of how many. */
export interface FreezingCounts {
  /** Elements of the parameters that train. */
  trainable: number;
  /** Elements of every parameter of the model. */
  all: number;
  /** `100 · trainable / all`. */
  percent: number;
}

/** Counts elements of `trainable` among `all` (each parameter once). */
export function countParameters(all: readonly Parameter[], trainable: ReadonlySet<Parameter>): FreezingCounts {
  let n = 0;
  let t = 0;
  for (const p of all) {
    n += p.size;
    if (trainable.has(p)) t += p.size;
  }
  return { trainable: t, all: n, percent: n === 0 ? 0 : (100 * t) / n };
}

/** `53154` → `53,154` (Python's `{:,d}`). */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** PEFT's line: `trainable params: 1,090 || all params: 53,154 || trainable%: 2.0506`. */
export function formatCounts(c: FreezingCounts): string {
  return `trainable params: ${thousands(c.trainable)} || all params: ${thousands(c.all)} || trainable%: ${c.percent.toFixed(4)}`;
}
