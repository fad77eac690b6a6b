/**
 * GPT-2's reversible byte ↔ character table: printable Latin-1 bytes map to themselves, the other
 * 68 bytes to U+0100 and up, so every byte string becomes a string of visible characters.
 */

/** `BYTE_TO_CHAR[b]` is the character standing for byte `b`. */
export const BYTE_TO_CHAR: string[] = [];
/** Inverse of BYTE_TO_CHAR, keyed by char code. */
export const CHAR_TO_BYTE = new Map<number, number>();

(() => {
  const visible = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  let next = 256;
  for (let b = 0; b < 256; b++) {
    const code = visible(b) ? b : next++;
    BYTE_TO_CHAR[b] = String.fromCharCode(code);
    CHAR_TO_BYTE.set(code, b);
  }
})();

/** The 256 characters of the byte-level alphabet, in byte order. */
export function byteLevelAlphabet(): string[] {
  return BYTE_TO_CHAR.slice();
}

const encoder = new TextEncoder();

/** Maps text to its byte-level form (one character per UTF-8 byte). */
export function toByteLevel(text: string): string {
  let out = '';
  for (const b of encoder.encode(text)) out += BYTE_TO_CHAR[b];
  return out;
}
