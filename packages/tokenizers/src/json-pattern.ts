/**
 * The `pattern` field shared by the Split pre-tokenizer and the Replace normalizer and decoder:
 * `{"String": "..."}` (a literal) or `{"Regex": "..."}` (Oniguruma syntax).
 */
import { TokenizerError } from './errors';
import { JsonReader } from './json-reader';
import type { Pattern } from './pattern';
import { compileRegex } from './regex';

/** A pattern as written in tokenizer.json. */
export type JsonPattern = { String: string } | { Regex: string };

/** The matcher of a JsonPattern: the literal string, or the compiled regex. */
export function compilePattern(p: JsonPattern): Pattern {
  return 'String' in p ? p.String : compileRegex(p.Regex);
}

/** Reads `reader[field]` as a JsonPattern and compiles it. */
export function readPattern(reader: JsonReader, field = 'pattern'): { json: JsonPattern; pattern: Pattern } {
  const obj = new JsonReader(reader.object(field), `${reader.where} field "${field}"`);
  if (obj.has('String')) {
    const s = obj.string('String');
    return { json: { String: s }, pattern: s };
  }
  if (obj.has('Regex')) {
    const r = obj.string('Regex');
    try {
      return { json: { Regex: r }, pattern: compileRegex(r) };
    } catch (e) {
      // compileRegex only throws TokenizerErrors; add where the pattern came from.
      throw new TokenizerError((e as TokenizerError).code, `${reader.where} field "${field}": ${(e as Error).message}`, { cause: e });
    }
  }
  return reader.fail(field, 'an object with a "String" or "Regex" key');
}
