/**
 * Split patterns behave as in Oniguruma, the engine HF runs them with. The expected matches
 * below were produced by Oniguruma 6.9 itself (the vscode-oniguruma WASM build, default syntax);
 * each case is one the former hand translator got wrong or a feature it approximated: Unicode
 * case folding in `(?i:…)`, possessive quantifiers (and Oniguruma's `{1,3}+`, which is NOT
 * possessive), atomic groups, `^`/`$` at line ends, `.` and newlines, `\x{…}`, `\h`.
 */
import { describe, expect, it } from 'vitest';
import { TokenizerError } from './errors';
import { findMatches } from './pattern';
import { compileRegex, REGEX_LIMITS } from './regex';

const LLAMA3 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

const ONIGURUMA_CASES: [string, string, string[]][] = [
  [LLAMA3, "it'ſ K'S ok", ['it', "'ſ", ' K', "'S", ' ok']],
  [LLAMA3, "I'M 12345 ok", ['I', "'M", ' ', '123', '45', ' ok']],
  ['\\p{L}++|\\s*+[\\r\\n]|\\p{N}{1,3}+', 'ab  \n12345 x', ['ab', '12345', 'x']],
  ['a*+a|\\s++\\S|b', 'aaa  b', ['  b']],
  ['(?>\\p{L}+|\\p{N}+)\\s*', 'abc 123  x', ['abc ', '123  ', 'x']],
  ['^\\s+|\\s+$', '  a  \n  b  ', ['  ', '  ', '  ', '  ']],
  ['a.b|x$', 'a\nb x\naxb x', ['x', 'axb', 'x']],
  ['\\x{41}+|\\h+', 'AAAbeef9z', ['AAA', 'beef9']],
  ['(?i:ab[cd])+', 'ABcAbD', ['ABcAbD']],
  ['\\w+|[^\\w\\s]+', 'héllo, wörld_1!', ['héllo', ',', 'wörld_1', '!']],
];

function matches(pattern: string, text: string): string[] {
  return findMatches(compileRegex(pattern), text)
    .filter(([, , isMatch]) => isMatch)
    .map(([a, b]) => text.slice(a, b));
}

function limitError(fn: () => unknown): TokenizerError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TokenizerError);
    return e as TokenizerError;
  }
  throw new Error('expected an error');
}

describe('compileRegex', () => {
  it.each(ONIGURUMA_CASES)('%s on %j matches as Oniguruma does', (pattern, text, expected) => {
    expect(matches(pattern, text)).toEqual(expected);
  });

  it('reports invalid patterns as E_BAD_FIELD naming the pattern', () => {
    const e = limitError(() => compileRegex('(ab'));
    expect(e.code).toBe('E_BAD_FIELD');
    expect(e.message).toContain('"(ab"');
  });

  it('bounds the work a hostile pattern can cause, quickly and with E_LIMIT', () => {
    const alternatives = `${'ab|'.repeat(REGEX_LIMITS.alternatives)}b`;
    const nested = `${'('.repeat(5000)}a${')'.repeat(5000)}`;
    const long = '[a]'.repeat(REGEX_LIMITS.length);
    for (const p of [alternatives, nested, long]) {
      const e = limitError(() => compileRegex(p));
      expect(e.code).toBe('E_LIMIT');
      expect(e.message.length).toBeLessThan(400); // the pattern is quoted cut short
    }
    expect(matches(`${'ab|'.repeat(100)}c`, 'abc')).toEqual(['ab', 'c']);
  });
});
