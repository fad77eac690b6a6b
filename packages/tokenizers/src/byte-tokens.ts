/**
 * Byte-fallback tokens: `<0x00>` … `<0xFF>`, one per UTF-8 byte, which SentencePiece (and HF's
 * BPE and Unigram with `byte_fallback`) use for characters that have no piece of their own.
 */

/** The token of each byte value, `<0xNN>` with upper-case hex digits. */
export const BYTE_TOKENS: readonly string[] = Array.from({ length: 256 }, (_, b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);

const BYTE_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;

/** The byte a `<0xNN>` token stands for (either case of hex digit), or -1 for any other token. */
export function byteOfToken(token: string): number {
  const m = token.length === 6 ? BYTE_TOKEN.exec(token) : null;
  return m ? parseInt(m[1], 16) : -1;
}
