/**
 * ByteFallback decoder: runs of `<0xNN>` tokens are turned back into the UTF-8 text they encode;
 * an invalid run becomes one U+FFFD per byte, as in HF.
 */
import { byteOfToken } from '../byte-tokens';
import type { Decoder } from '../components';

const strict = new TextDecoder('utf-8', { fatal: true });

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
      const byte = byteOfToken(token);
      if (byte >= 0) bytes.push(byte);
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
