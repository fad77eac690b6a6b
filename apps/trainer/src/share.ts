/** How the CLI writes a share of parameters. */

/** A share with enough digits that LoRA's 0.19% does not read 0.2% or 0%: `100.0%`, `12.35%`, `0.19%`, `0.0012%`. */
export function formatShare(percent: number): string {
  return `${percent >= 10 ? percent.toFixed(1) : percent >= 1 ? percent.toFixed(2) : percent.toPrecision(2)}%`;
}
