/**
 * BertPreTokenizer: splits on whitespace (dropped) and isolates every punctuation character,
 * BERT's definition of punctuation being all ASCII symbols plus Unicode category P.
 */
import type { PreTokenizer } from '../components';
import type { PreTokenizedString } from '../pre-tokenized-string';
import { isBertPunctuation, isWhitespace } from '../unicode';

/** Whitespace + punctuation splitting of the original BERT tokenizer. */
export class BertPreTokenizer implements PreTokenizer {
  preTokenize(s: PreTokenizedString): void {
    s.split((_, n) => n.split(isWhitespace, 'Removed'));
    s.split((_, n) => n.split(isBertPunctuation, 'Isolated'));
  }

  toJSON() {
    return { type: 'BertPreTokenizer' };
  }
}
