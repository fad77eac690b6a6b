/**
 * ByteFallback decoder: runs of `<0xNN>` tokens are turned back into the UTF-8 text they encode;
 * an invalid run becomes one U+FFFD per byte, as in HF.
 */
import type { Decoder } from '../components';

const strict = new TextDecoder('utf-8', { fatal: true });
const BYTE_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;

/** Decoder for byte-fallback tokens. */
export class ByteFallback implements Decoder {
  decodeChain(tokens: string[]): string[] {
    const out: string[] = [];
    let bytes: number[] = [];
    const flush = () => {
      if (bytes.length === 0) return;
      try {
        out.push(strict.decode(new Uint8Array(bytes)));
      } catch {
        for (let i = 0; i < bytes.length; i++) out.push('\ufffd');
      }
      bytes = [];
    };
    for (const token of tokens) {
      const m = token.length === 6 ? BYTE_TOKEN.exec(token) : null;
      if (m) bytes.push(parseInt(m[1], 16));
      else {
        flush();
        out.push(token);
      }
    }
    flush();
    return out;
  }

  toJSON() {
    return { type: 'ByteFallback' };
  }
}
