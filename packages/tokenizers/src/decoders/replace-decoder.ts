/** Replace decoder: substitutes a string or regex pattern inside each token (e.g. "▁" → " "). */
import type { Decoder } from '../components';
import { compilePattern, readPattern, type JsonPattern } from '../json-pattern';
import type { JsonReader } from '../json-reader';
import { findMatches, type Pattern } from '../pattern';

/** Replaces matches of `pattern` by `content` in every token. */
export class ReplaceDecoder implements Decoder {
  private readonly compiled: Pattern;

  constructor(
    readonly pattern: JsonPattern,
    readonly content: string,
  ) {
    this.compiled = compilePattern(pattern);
  }

  /** Reads the tokenizer.json form. */
  static fromJSON(r: JsonReader): ReplaceDecoder {
    return new ReplaceDecoder(readPattern(r).json, r.string('content'));
  }

  decodeChain(tokens: string[]): string[] {
    return tokens.map((token) => {
      let out = '';
      for (const [a, b, isMatch] of findMatches(this.compiled, token)) out += isMatch ? this.content : token.slice(a, b);
      return out;
    });
  }

  toJSON() {
    return { type: 'Replace', pattern: this.pattern, content: this.content };
  }
}
