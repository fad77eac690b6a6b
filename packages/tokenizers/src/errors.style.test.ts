/**
 * One error style: every `throw` in the package's source raises a TokenizerError (directly, via a
 * helper that returns one, or by rethrowing one). This reads the sources, so a new untyped
 * `throw new Error(...)` fails here before it reaches a user.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '.');

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) yield path;
  }
}

// Allowed forms: a TokenizerError, the E_IO mapper, a reader's `fail`, the regex bound helper,
// and rethrowing a caught TokenizerError (`throw e` after an instanceof check in node.ts).
const TYPED = /throw (new TokenizerError\(|fileError\(|this\.fail\(|over\(|e;)/;

describe('error style', () => {
  it('every throw in src/ is a TokenizerError', () => {
    const untyped: string[] = [];
    for (const file of sources(SRC)) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/\bthrow\b/.test(line) && !line.trim().startsWith('*') && !line.trim().startsWith('//') && !TYPED.test(line))
            untyped.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(untyped).toEqual([]);
  });
});
