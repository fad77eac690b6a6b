/**
 * ByteLevel decoder: maps byte-level characters back to bytes and decodes the UTF-8 of the whole
 * sequence at once, so that characters split across tokens come back whole. Invalid sequences
 * become U+FFFD, like Rust's `from_utf8_lossy`.
 */
import type { Decoder } from '../components';
import type { JsonReader } from '../json-reader';
import { CHAR_TO_BYTE } from '../pre-tokenizers/byte-level-alphabet';
import { readByteLevelOptions } from '../pre-tokenizers/byte-level';

const decoder = new TextDecoder('utf-8', { fatal: false });
const encoder = new TextEncoder();

/** Decoder for byte-level BPE. */
export class ByteLevelDecoder implements Decoder {
  constructor(
    readonly addPrefixSpace = true,
    readonly trimOffsets = true,
    readonly useRegex = true,
  ) {}

  /** Reads the tokenizer.json form. */
  static fromJSON(r: JsonReader): ByteLevelDecoder {
    const o = readByteLevelOptions(r);
    return new ByteLevelDecoder(o.add_prefix_space, o.trim_offsets, o.use_regex);
  }

  decodeChain(tokens: string[]): string[] {
    const bytes: number[] = [];
    for (const token of tokens) {
      const mapped: number[] = [];
      let ok = true;
      for (let i = 0; i < token.length; i++) {
        const b = CHAR_TO_BYTE.get(token.charCodeAt(i));
        if (b === undefined) {
          ok = false;
          break;
        }
        mapped.push(b);
      }
      // A token outside the byte alphabet (e.g. an added token) contributes its own UTF-8.
      if (ok) for (const b of mapped) bytes.push(b);
      else for (const b of encoder.encode(token)) bytes.push(b);
    }
    return [decoder.decode(new Uint8Array(bytes))];
  }

  toJSON() {
    return { type: 'ByteLevel', add_prefix_space: this.addPrefixSpace, trim_offsets: this.trimOffsets, use_regex: this.useRegex };
  }
}
