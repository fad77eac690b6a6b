/**
 * The entry points list their exports by name (no `export *`), and the internals stay out of the
 * public entry: they are in `@graft/core/internal`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as internal from './internal';
import * as publicApi from './index';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { graft: { entries: Record<string, string> } };

describe('entry points', () => {
  it.each(Object.entries(pkg.graft.entries))('%s (%s) lists its exports by name', (_subpath, file) => {
    const text = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
    expect(text).not.toMatch(/export\s*\*/);
  });

  it('keeps the internals out of the public API', () => {
    for (const name of ['runKernel', 'record', 'padRaw', 'sliceRaw', 'denseCopyOf', 'Storage', 'fused', 'adamwScalars']) {
      expect(name in publicApi, name).toBe(false);
      expect(name in internal, name).toBe(true);
    }
  });
});
