/** The version of @graft/train (bundled from package.json at build time, so no file is read at run time). */
import { version } from '../package.json';

/** This package's version, for model cards and logs. */
export const VERSION: string = version;

/** The JavaScript runtime and its version, as a model card lists it (`['Node.js', 'v22.3.0']`, or the browser's user agent). */
export function runtimeVersion(): [name: string, version: string] {
  const g = globalThis as { process?: { versions?: { node?: string } }; navigator?: { userAgent?: string } };
  if (g.process?.versions?.node) return ['Node.js', `v${g.process.versions.node}`];
  return ['Browser', g.navigator?.userAgent ?? 'unknown'];
}
