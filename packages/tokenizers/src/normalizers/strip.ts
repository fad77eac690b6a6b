/** Strip normalizer: removes leading and/or trailing whitespace. */
import type { Normalizer } from '../components';
import type { JsonReader } from '../json-reader';
import type { NormalizedString } from '../normalized-string';

/** Removes whitespace at either end of the text. */
export class Strip implements Normalizer {
  constructor(
    readonly stripLeft = true,
    readonly stripRight = true,
  ) {}

  /** Reads the tokenizer.json form. */
  static fromJSON(r: JsonReader): Strip {
    return new Strip(r.bool('strip_left', true), r.bool('strip_right', true));
  }

  normalize(s: NormalizedString): void {
    s.strip(this.stripLeft, this.stripRight);
  }

  toJSON() {
    return { type: 'Strip', strip_left: this.stripLeft, strip_right: this.stripRight };
  }
}
