/**
 * BertNormalizer: removes control characters and maps whitespace to spaces, puts spaces around
 * CJK ideographs, strips accents (NFD then drop Mn) and lowercases, each step optional.
 */
import type { Normalizer } from '../components';
import type { JsonReader } from '../json-reader';
import type { Edit, NormalizedString } from '../normalized-string';
import { isAscii, isBertControl, isChineseChar, isMarkNonspacing, isWhitespace } from '../unicode';

/** Options of BertNormalizer (tokenizer.json field names). */
export interface BertNormalizerOptions {
  clean_text?: boolean;
  handle_chinese_chars?: boolean;
  /** null: follow `lowercase`. */
  strip_accents?: boolean | null;
  lowercase?: boolean;
}

/** Normalizer of the original BERT tokenizer. */
export class BertNormalizer implements Normalizer {
  readonly cleanText: boolean;
  readonly handleChineseChars: boolean;
  readonly stripAccents: boolean | null;
  readonly lowercase: boolean;

  constructor(o: BertNormalizerOptions = {}) {
    this.cleanText = o.clean_text ?? true;
    this.handleChineseChars = o.handle_chinese_chars ?? true;
    this.stripAccents = o.strip_accents ?? null;
    this.lowercase = o.lowercase ?? true;
  }

  /** Reads the tokenizer.json form. */
  static fromJSON(r: JsonReader): BertNormalizer {
    return new BertNormalizer({
      clean_text: r.bool('clean_text', true),
      handle_chinese_chars: r.bool('handle_chinese_chars', true),
      strip_accents: r.optionalBool('strip_accents'),
      lowercase: r.bool('lowercase', true),
    });
  }

  normalize(s: NormalizedString): void {
    const ascii = isAscii(s.normalized);
    if (this.cleanText) cleanText(s, ascii);
    if (this.handleChineseChars && !ascii) spaceChineseChars(s);
    if ((this.stripAccents ?? this.lowercase) && !isAscii(s.normalized)) {
      s.normalizeUnicode('NFD');
      s.filter((cp) => !isMarkNonspacing(cp));
    }
    if (this.lowercase) s.lowercase();
  }

  toJSON() {
    return {
      type: 'BertNormalizer',
      clean_text: this.cleanText,
      handle_chinese_chars: this.handleChineseChars,
      strip_accents: this.stripAccents,
      lowercase: this.lowercase,
    };
  }
}

/** Drops NUL, U+FFFD and control characters; whitespace becomes a plain space. */
function cleanText(s: NormalizedString, ascii: boolean): void {
  const text = s.normalized;
  if (ascii) {
    // Fast path: only C0 controls and DEL need work in ASCII text.
    let dirty = false;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 32 || c === 127) {
        if (c !== 32) dirty = true;
        break;
      }
    }
    if (!dirty) return;
  }
  s.filter((cp) => !(cp === 0 || cp === 0xfffd || isBertControl(cp)));
  s.map((cp) => (cp !== 32 && isWhitespace(cp) ? 32 : cp));
}

/** Surrounds every CJK ideograph with spaces that align to the ideograph. */
function spaceChineseChars(s: NormalizedString): void {
  const text = s.normalized;
  const edits: Edit[] = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    if (cp >= 0x3400 && isChineseChar(cp)) edits.push({ start: i, end: i + len, chars: [' ', text.slice(i, i + len), ' '], changes: [0, 1, 1] });
    i += len;
  }
  s.applyEdits(edits);
}
