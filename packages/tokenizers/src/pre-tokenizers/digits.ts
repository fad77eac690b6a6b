/** Digits pre-tokenizer: isolates numbers, or every single digit. */
import type { PreTokenizer } from '../components';
import type { JsonReader } from '../json-reader';
import type { PreTokenizedString } from '../pre-tokenized-string';
import { isNumeric } from '../unicode';

/** Splits numeric characters from the rest (each digit alone when `individualDigits`). */
export class Digits implements PreTokenizer {
  constructor(readonly individualDigits = false) {}

  /** Reads the tokenizer.json form. */
  static fromJSON(r: JsonReader): Digits {
    return new Digits(r.bool('individual_digits', false));
  }

  preTokenize(s: PreTokenizedString): void {
    const behavior = this.individualDigits ? 'Isolated' : 'Contiguous';
    s.split((_, n) => n.split(isNumeric, behavior));
  }

  toJSON() {
    return { type: 'Digits', individual_digits: this.individualDigits };
  }
}
