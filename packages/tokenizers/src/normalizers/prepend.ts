/** Prepend normalizer: puts a fixed string before any non-empty text. */
import type { Normalizer } from '../components';
import type { JsonReader } from '../json-reader';
import type { NormalizedString } from '../normalized-string';

/** Prepends `prepend` (e.g. "▁") to non-empty text. */
export class Prepend implements Normalizer {
  constructor(readonly prepend: string) {}

  /** Reads the tokenizer.json form. */
  static fromJSON(r: JsonReader): Prepend {
    return new Prepend(r.string('prepend'));
  }

  normalize(s: NormalizedString): void {
    if (!s.isEmpty()) s.prepend(this.prepend);
  }

  toJSON() {
    return { type: 'Prepend', prepend: this.prepend };
  }
}
