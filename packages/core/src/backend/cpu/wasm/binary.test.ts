/**
 * The committed WASM module (binary.ts) must be what the C sources build to. Runs where the
 * toolchain is installed (CI installs clang-14 and lld-14); elsewhere there is nothing to build with.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const hasClang = spawnSync('clang-14', ['--version']).status === 0;
// the core-scalar project runs the same files; one build check per CI run is enough
const scalarProject = process.env.GRAFT_CPU_KERNELS === 'scalar';
const script = fileURLToPath(new URL('../../../../wasm/build.mjs', import.meta.url));

describe('WASM build', () => {
  it.skipIf(scalarProject || (!hasClang && !process.env.CI))(
    'binary.ts is reproduced by building packages/core/wasm/*.c',
    () => {
      const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/matches a fresh build/);
      expect(r.status).toBe(0);
    },
    60_000,
  );
});
