/** Punctuation pre-tokenizer: splits on BERT-style punctuation with a delimiter behavior. */
import type { PreTokenizer } from '../components';
import type { JsonReader } from '../json-reader';
import { SPLIT_BEHAVIORS, type SplitBehavior } from '../pattern';
import type { PreTokenizedString } from '../pre-tokenized-string';
import { isBertPunctuation } from '../unicode';

/** Splits on each punctuation character (ASCII symbols and Unicode category P). */
export class Punctuation implements PreTokenizer {
  constructor(readonly behavior: SplitBehavior = 'Isolated') {}

  /** Reads the tokenizer.json form. */
  static fromJSON(r: JsonReader): Punctuation {
    return new Punctuation(r.oneOf('behavior', SPLIT_BEHAVIORS, 'Isolated'));
  }

  preTokenize(s: PreTokenizedString): void {
    s.split((_, n) => n.split(isBertPunctuation, this.behavior));
  }

  toJSON() {
    return { type: 'Punctuation', behavior: this.behavior };
  }
}
