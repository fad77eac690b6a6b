/** Replace normalizer: substitutes every match of a string or regex pattern. */
import type { Normalizer } from '../components';
import { compilePattern, readPattern, type JsonPattern } from '../json-pattern';
import type { JsonReader } from '../json-reader';
import type { NormalizedString } from '../normalized-string';
import type { Pattern } from '../pattern';

/** Replaces matches of `pattern` by `content`; replacements align with the replaced text. */
export class Replace implements Normalizer {
  private readonly compiled: Pattern;

  constructor(
    readonly pattern: JsonPattern,
    readonly content: string,
  ) {
    this.compiled = compilePattern(pattern);
  }

  /** Reads the tokenizer.json form. */
  static fromJSON(r: JsonReader): Replace {
    return new Replace(readPattern(r).json, r.string('content'));
  }

  normalize(s: NormalizedString): void {
    s.replace(this.compiled, this.content);
  }

  toJSON() {
    return { type: 'Replace', pattern: this.pattern, content: this.content };
  }
}
