/** CharDelimiterSplit pre-tokenizer: splits on one delimiter character, dropping it. */
import type { PreTokenizer } from '../components';
import type { JsonReader } from '../json-reader';
import type { PreTokenizedString } from '../pre-tokenized-string';

/** Splits on `delimiter`. */
export class CharDelimiterSplit implements PreTokenizer {
  private readonly code: number;

  constructor(readonly delimiter: string) {
    this.code = delimiter.codePointAt(0)!;
  }

  /** Reads the tokenizer.json form. */
  static fromJSON(r: JsonReader): CharDelimiterSplit {
    return new CharDelimiterSplit(r.char('delimiter'));
  }

  preTokenize(s: PreTokenizedString): void {
    s.split((_, n) => n.split((cp) => cp === this.code, 'Removed'));
  }

  toJSON() {
    return { type: 'CharDelimiterSplit', delimiter: this.delimiter };
  }
}
