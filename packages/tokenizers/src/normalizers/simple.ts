/**
 * The parameterless normalizers: Lowercase, StripAccents and the four Unicode normalization forms.
 * Each is a few lines around a NormalizedString primitive, so they share one file.
 */
import type { Normalizer } from '../components';
import type { NormalizedString } from '../normalized-string';
import { isCombiningMark } from '../unicode';

/** Lowercases every character (no locale, no context rules). */
export class Lowercase implements Normalizer {
  normalize(s: NormalizedString): void {
    s.lowercase();
  }
  toJSON() {
    return { type: 'Lowercase' };
  }
}

/** Removes combining marks (category M); usually placed after NFD or NFKD. */
export class StripAccents implements Normalizer {
  normalize(s: NormalizedString): void {
    s.filter((cp) => !isCombiningMark(cp));
  }
  toJSON() {
    return { type: 'StripAccents' };
  }
}

/** One of the Unicode normalization forms NFC, NFD, NFKC, NFKD. */
export class UnicodeNormalizer implements Normalizer {
  readonly form: 'NFC' | 'NFD' | 'NFKC' | 'NFKD';

  constructor(form: 'NFC' | 'NFD' | 'NFKC' | 'NFKD') {
    this.form = form;
  }

  normalize(s: NormalizedString): void {
    s.normalizeUnicode(this.form);
  }

  toJSON() {
    return { type: this.form };
  }
}
