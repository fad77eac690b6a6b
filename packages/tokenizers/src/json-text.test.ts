/**
 * Malformed JSON is reported with the file, line, column and character offset of the first error,
 * found by our own scan: it must agree with JSON.parse on what is valid, and point where the text
 * goes wrong.
 */
import { describe, expect, it } from 'vitest';
import { TokenizerError } from './errors';
import { locateJsonError, parseJson } from './json-text';
import { seededRandom } from './rng';

function error(text: string, file = 'tokenizer_config.json'): TokenizerError {
  try {
    parseJson(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(TokenizerError);
    expect((e as TokenizerError).code).toBe('E_JSON');
    return e as TokenizerError;
  }
  throw new Error(`parsed: ${text}`);
}

describe('parseJson', () => {
  it.each([
    ['{"do_lower_case": true,\n  "model_max_length": 512,\n}', 3, 1, 'trailing comma'],
    ['{"a": }', 1, 7, 'expected a value'],
    ['{"a": 1', 1, 8, 'unexpected end'],
    ['{"a": "x\ny"}', 1, 9, 'control character'],
    ['[1, 2, 3,]', 1, 10, 'trailing comma'],
    ['{"a": 1} x', 1, 10, 'after the end'],
    ['{"a": tru}', 1, 7, 'expected a value'],
    ['{"a": "\\q"}', 1, 8, 'invalid escape'],
    ['{\n"vocab": {"hello": 1, "world": 2 "x": 3}}', 2, 34, '"," or "}"'],
    ['', 1, 1, 'unexpected end'],
  ])('reports %j at line %i, column %i', (text, line, column, what) => {
    const e = error(text);
    expect(e.message).toContain('tokenizer_config.json: malformed JSON');
    expect(e.message).toContain(`line ${line}, column ${column}`);
    expect(e.message).toContain(what);
  });

  it('accepts a UTF-8 byte order mark and counts it in positions', () => {
    expect(parseJson('\ufeff{"a": 1}', 'x.json')).toEqual({ a: 1 });
    expect(error('\ufeff{"a" 1}').message).toContain('column 7 (character 6)');
  });

  it('agrees with JSON.parse on what is valid, for mutated JSON texts', () => {
    const rand = seededRandom(7);
    const base = JSON.stringify({ a: [1, -2.5e3, 'x\\y\u00e9', { b: null, c: [true, false, [], {}] }], 'd"': '\\u0041' }, null, 1);
    const noise = ['"', ',', ':', '}', ']', '{', '[', '\\', '\n', '0', '-', 'e', 't', ' ', '\u0001'];
    for (let k = 0; k < 2000; k++) {
      const at = Math.floor(rand() * (base.length + 1));
      const cut = Math.floor(rand() * 3);
      const text = base.slice(0, at) + (rand() < 0.7 ? noise[Math.floor(rand() * noise.length)] : '') + base.slice(at + cut);
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      const found = locateJsonError(text);
      expect(found === null, text).toBe(valid);
      if (found) expect(found.at).toBeLessThanOrEqual(text.length);
    }
  });

  it('scans deeply nested text without recursion', () => {
    expect(locateJsonError('['.repeat(200_000) + ']'.repeat(199_999))?.problem).toContain('unexpected end');
  });
});
