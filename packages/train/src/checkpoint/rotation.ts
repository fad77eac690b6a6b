/**
 * Which checkpoints to keep: `checkpoint-<step>` directories sorted by step, and HF's
 * `_rotate_checkpoints` rule for `saveTotalLimit`: delete the oldest, but never the best one
 * (it is moved next to the newest before counting), and keep two when the limit is 1 and the
 * best is not the newest, so both the best and the resumable last checkpoint survive.
 */

/** The prefix of checkpoint directories, as HF names them. */
export const CHECKPOINT_PREFIX = 'checkpoint-';

/** `checkpoint-<step>` for a step. */
export function checkpointName(step: number): string {
  return `${CHECKPOINT_PREFIX}${step}`;
}

/** The step of a checkpoint directory name, or null for other names. */
export function checkpointStep(name: string): number | null {
  const m = /^checkpoint-(\d+)$/.exec(name);
  return m ? Number(m[1]) : null;
}

/** The checkpoint directories among `names`, oldest (lowest step) first. */
export function sortedCheckpoints(names: readonly string[]): string[] {
  return names.filter((n) => checkpointStep(n) !== null).sort((a, b) => checkpointStep(a)! - checkpointStep(b)!);
}

/** The checkpoints to delete so that at most `limit` remain, never `best` (HF's rule). */
export function checkpointsToDelete(names: readonly string[], best: string | null, limit: number | null): string[] {
  const sorted = sortedCheckpoints(names);
  if (limit === null || sorted.length <= limit) return [];
  const at = best === null ? -1 : sorted.indexOf(best);
  if (at >= 0) {
    // bubble the best up to second-to-last, as HF does, so it is among the kept ones
    for (let i = at; i < sorted.length - 2; i++) [sorted[i], sorted[i + 1]] = [sorted[i + 1], sorted[i]];
  }
  const keep = limit === 1 && at >= 0 && sorted[sorted.length - 1] !== best ? 2 : limit;
  return sorted.slice(0, Math.max(0, sorted.length - keep));
}
