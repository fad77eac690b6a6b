/**
 * Node-only parts of @graft/train (`@graft/train/node`): checkpoints as directories written
 * atomically, `metrics.jsonl` on disk, and the installed versions of Graft's packages for model
 * cards.
 */
import { createRequire } from 'node:module';

export { nodeCheckpointStore, cleanLeftovers } from './node/node-checkpoint-store';
export { jsonlFileSink, metricsJsonl } from './node/jsonl-file-sink';

/** The installed versions of @graft/core, @graft/nn and @graft/data (for `frameworkVersions`); packages that cannot be found are left out. */
export function graftVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = {};
  for (const name of ['@graft/core', '@graft/nn', '@graft/data']) {
    try {
      out[name] = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      // not installed next to this package
    }
  }
  return out;
}
