/** Split pre-tokenizer: splits on a string or regex pattern with a delimiter behavior. */
import type { PreTokenizer } from '../components';
import { compilePattern, readPattern, type JsonPattern } from '../json-pattern';
import type { JsonReader } from '../json-reader';
import { SPLIT_BEHAVIORS, type Pattern, type SplitBehavior } from '../pattern';
import type { PreTokenizedString } from '../pre-tokenized-string';

/** Splits on `pattern` (or on what it does not match when `invert`). */
export class Split implements PreTokenizer {
  private readonly compiled: Pattern;

  constructor(
    readonly pattern: JsonPattern,
    readonly behavior: SplitBehavior,
    readonly invert = false,
  ) {
    const p = compilePattern(pattern);
    this.compiled = invert ? { invert: p } : p;
  }

  /** Reads the tokenizer.json form. */
  static fromJSON(r: JsonReader): Split {
    return new Split(readPattern(r).json, r.oneOf('behavior', SPLIT_BEHAVIORS), r.bool('invert', false));
  }

  preTokenize(s: PreTokenizedString): void {
    s.split((_, n) => n.split(this.compiled, this.behavior));
  }

  toJSON() {
    return { type: 'Split', pattern: this.pattern, behavior: this.behavior, invert: this.invert };
  }
}
