import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageTsup } from '../../tsup.shared';

// The `graft` executable (src/bin.ts, with its `#!/usr/bin/env node` line) is built beside the
// entries but is not an export: importing @graft/cli must never run the command line.
const pkg = JSON.parse(readFileSync(join(import.meta.dirname, 'package.json'), 'utf8')) as { graft: { entries: Record<string, string> } };
const entry = Object.fromEntries(Object.entries(pkg.graft.entries).map(([subpath, src]) => [subpath === '.' ? 'index' : subpath.slice(2), src]));

export default packageTsup(import.meta.dirname, { entry: { ...entry, bin: 'src/bin.ts' } });
