/**
 * The main entry runs in browsers: nothing it imports, directly or through other files of this
 * package, is a Node module; file access is in `./node` only. And every `throw` in the sources
 * raises a typed error (a GraftError subclass), so no untyped `Error` reaches a user.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = import.meta.dirname;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\s[^'"]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)/gm)].map((m) => m[1] ?? m[2]);
}

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) yield path;
  }
}

describe('entries', () => {
  it('the main entry reaches no Node module and no file of the Node entry', () => {
    const seen = new Set<string>();
    const external = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.')) visit(`${resolve(dirname(file), spec)}.ts`);
        else external.add(spec);
      }
    };
    visit(join(SRC, 'index.ts'));
    expect([...external].filter((s) => s.startsWith('node:') || ['fs', 'path', 'zlib', 'stream', 'os'].includes(s))).toEqual([]);
    expect([...external].sort()).toEqual(['@graft/core', '@noble/hashes/sha2.js', '@noble/hashes/utils.js', 'hyparquet', 'hyparquet-compressors']);
    expect([...seen].filter((f) => f.includes(`${SRC}/fs/`))).toEqual([]);
  });

  it('every throw in src/ raises a typed error', () => {
    const untyped: string[] = [];
    for (const file of sources(SRC)) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const code = line.trim();
          if (!/(?<!['\w])throw\s/.test(code) || code.startsWith('*') || code.startsWith('/*') || code.startsWith('//')) return;
          // new <Typed>Error(…), a helper returning one (corrupt, syntaxError, notObject), or rethrowing a caught error
          if (
            /throw (new (ArgumentError|DataFormatError|DataSourceError|ColumnNotFoundError|CollateError)\(|corrupt\(|syntaxError\(|notObject\(|e;|error;)/.test(
              code,
            )
          )
            return;
          untyped.push(`${file}:${i + 1}: ${code}`);
        });
    }
    expect(untyped).toEqual([]);
  });
});
