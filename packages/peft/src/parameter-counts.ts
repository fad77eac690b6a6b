/** Parameter counts and PEFT's `print_trainable_parameters` line. */

/** How many parameters train, of how many. */
export interface ParameterCounts {
  /** Elements of parameters that require gradients. */
  trainable: number;
  /** Elements of the base model's parameters. */
  all: number;
  /** `100 · trainable / all`. */
  percent: number;
}

/** `53154` → `53,154` (Python's `{:,d}`; no locale data needed). */
export function groupThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** PEFT's line: `trainable params: 1,090 || all params: 53,154 || trainable%: 2.0506`. */
export function formatTrainableParameters(c: ParameterCounts): string {
  return `trainable params: ${groupThousands(c.trainable)} || all params: ${groupThousands(c.all)} || trainable%: ${c.percent.toFixed(4)}`;
}
