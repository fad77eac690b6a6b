/**
 * Option objects are checked for unknown keys, so a typo (`temprature`, `layer_map`) is an error
 * that suggests the key that was meant, not a setting silently left at its default.
 */
import { DistillError } from './errors';

/** The edit distance of two short strings (for suggestions). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = row[j];
      row[j] = next;
    }
  }
  return row[b.length];
}

/** Throws a `distill_config` error for the first key of `obj` not in `allowed`, with the closest allowed key. */
export function checkKeys(obj: object, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    const norm = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
    const best = allowed.map((k) => [k, distance(norm(key), norm(k))] as const).sort((x, y) => x[1] - y[1])[0];
    const hint = best && best[1] <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean '${best[0]}'?)` : '';
    throw new DistillError('distill_config', `${where}: unknown option '${key}'${hint}; the options are ${allowed.join(', ')}`, { field: key });
  }
}
