/** Fuse decoder: concatenates all tokens into one string (used before Strip in Llama-style chains). */
import type { Decoder } from '../components';

/** Joins every token. */
export class Fuse implements Decoder {
  decodeChain(tokens: string[]): string[] {
    return [tokens.join('')];
  }

  toJSON() {
    return { type: 'Fuse' };
  }
}
