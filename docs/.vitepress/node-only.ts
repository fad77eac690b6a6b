/**
 * The examples end with `if (isMain(import.meta.url)) void import('@graft/models/node')…`, the
 * branch that runs them as Node scripts. Vite bundles dynamic imports too, so without this the
 * browser bundle would pull in the packages' Node entries (node:fs, node:crypto) and fail to
 * build. In the client build every `@graft/<package>/node` resolves to a module that throws when
 * loaded, which never happens in the page: `isMain` is false there.
 */
import type { Plugin } from 'vite';

const NODE_ENTRY = /^@graft\/[^/]+\/node$/;
const PREFIX = '\0graft-node-only:';

/** Replaces the packages' Node entries with a throwing stub in the browser bundle (SSR keeps them). */
export function nodeOnlyEntries(): Plugin {
  return {
    name: 'graft-node-only-entries',
    enforce: 'pre',
    resolveId(id, _importer, opts) {
      if (!opts?.ssr && NODE_ENTRY.test(id)) return `${PREFIX}${id}`;
      return null;
    },
    load(id) {
      if (!id.startsWith(PREFIX)) return null;
      const entry = id.slice(PREFIX.length);
      return `throw new Error(${JSON.stringify(`${entry} reads and writes files and runs in Node only; this example's page says how to run it there`)});\n`;
    },
  };
}
