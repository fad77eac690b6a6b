/**
 * Whitespace (`\w+|[^\w\s]+`, Unicode-aware like Oniguruma) and WhitespaceSplit (split on
 * whitespace only) pre-tokenizers.
 */
import type { PreTokenizer } from '../components';
import type { PreTokenizedString } from '../pre-tokenized-string';
import { compileRegex } from '../regex';
import { isWhitespace } from '../unicode';

const WORDS_OR_SYMBOLS = '\\w+|[^\\w\\s]+'; // compiled on first use (and cached), not at import

/** Splits into runs of word characters and runs of other non-space characters. */
export class Whitespace implements PreTokenizer {
  preTokenize(s: PreTokenizedString): void {
    s.split((_, n) => n.split({ invert: compileRegex(WORDS_OR_SYMBOLS) }, 'Removed'));
  }

  toJSON() {
    return { type: 'Whitespace' };
  }
}

/** Splits on whitespace, dropping it. */
export class WhitespaceSplit implements PreTokenizer {
  preTokenize(s: PreTokenizedString): void {
    s.split((_, n) => n.split(isWhitespace, 'Removed'));
  }

  toJSON() {
    return { type: 'WhitespaceSplit' };
  }
}
