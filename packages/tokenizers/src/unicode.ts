/**
 * Character classes with the exact definitions HF `tokenizers` uses (Rust's `char` methods and the
 * BERT helpers), on code points. ASCII is answered from tables because these run once per
 * character of every input; the rest falls back to Unicode property regexes.
 */

const WHITE_SPACE = /^\p{White_Space}$/u;
const OTHER = /^\p{C}$/u; // Cc, Cf, Cs, Co, Cn: Rust's `is_other`, used by BERT's `is_control`
const PUNCTUATION = /^\p{P}$/u;
const MARK_NONSPACING = /^\p{Mn}$/u;
const MARK = /^\p{M}$/u;
const ALPHANUMERIC = /^[\p{Alphabetic}\p{N}]$/u;
const NUMERIC = /^\p{N}$/u;

const ASCII_WS = new Uint8Array(128);
for (const c of [9, 10, 11, 12, 13, 32]) ASCII_WS[c] = 1;

/** Rust `char::is_whitespace` (the Unicode White_Space property). */
export function isWhitespace(cp: number): boolean {
  if (cp < 128) return ASCII_WS[cp] === 1;
  return WHITE_SPACE.test(String.fromCodePoint(cp));
}

/** BERT's whitespace: `\t`, `\n`, `\r` and Unicode White_Space. */
export function isBertWhitespace(cp: number): boolean {
  return isWhitespace(cp);
}

/** BERT's `is_control`: general category C, except `\t`, `\n`, `\r` which count as whitespace. */
export function isBertControl(cp: number): boolean {
  if (cp === 9 || cp === 10 || cp === 13) return false;
  if (cp < 128) return cp < 32 || cp === 127;
  return OTHER.test(String.fromCodePoint(cp));
}

/** BERT's punctuation: every ASCII non-alphanumeric printable plus Unicode category P. */
export function isBertPunctuation(cp: number): boolean {
  if (cp < 128) return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126);
  return PUNCTUATION.test(String.fromCodePoint(cp));
}

/** The CJK ideograph blocks BERT surrounds with spaces (not Hiragana, Katakana or Hangul). */
export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** Unicode category Mn (what BERT's accent stripping removes after NFD). */
export function isMarkNonspacing(cp: number): boolean {
  if (cp < 0x300) return false;
  return MARK_NONSPACING.test(String.fromCodePoint(cp));
}

/** Unicode category M (what the StripAccents normalizer removes). */
export function isCombiningMark(cp: number): boolean {
  if (cp < 0x300) return false;
  return MARK.test(String.fromCodePoint(cp));
}

/** Rust `char::is_alphanumeric` (Alphabetic or Numeric). */
export function isAlphanumeric(cp: number): boolean {
  if (cp < 128) return (cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122);
  return ALPHANUMERIC.test(String.fromCodePoint(cp));
}

/** Rust `char::is_numeric` (categories Nd, Nl, No). */
export function isNumeric(cp: number): boolean {
  if (cp < 128) return cp >= 48 && cp <= 57;
  return NUMERIC.test(String.fromCodePoint(cp));
}

/** True for a UTF-16 high (leading) surrogate code unit. */
export function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** True for a UTF-16 low (trailing) surrogate code unit. */
export function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Number of UTF-16 code units of the code point. */
export function cpLength(cp: number): number {
  return cp > 0xffff ? 2 : 1;
}

/** Splits a string into its code points (as strings). */
export function codePoints(s: string): string[] {
  return Array.from(s);
}

/** Number of UTF-8 bytes needed for the code point. */
export function utf8Length(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/** True when every code unit of `s` is ASCII. */
export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

/**
 * Converts UTF-16 offsets into code point (character) offsets, the unit HF `tokenizers` reports
 * from Python. Useful when comparing with goldens written by the Python library.
 */
export function toCodePointOffsets(text: string, offsets: readonly (readonly [number, number])[]): [number, number][] {
  const index = new Int32Array(text.length + 1);
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    index[i] = count;
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        index[++i] = count;
      }
    }
    count++;
  }
  index[text.length] = count;
  return offsets.map(([s, e]) => [index[Math.min(s, text.length)], index[Math.min(e, text.length)]]);
}
