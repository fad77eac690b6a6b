/** BPEDecoder: the end-of-word suffix ("</w>") becomes a space, except on the last token. */
import type { Decoder } from '../components';
import type { JsonReader } from '../json-reader';

/** Decoder for suffix-marked BPE (original OpenAI GPT style). */
export class BPEDecoder implements Decoder {
  constructor(readonly suffix = '</w>') {}

  /** Reads the tokenizer.json form. */
  static fromJSON(r: JsonReader): BPEDecoder {
    return new BPEDecoder(r.string('suffix', '</w>'));
  }

  decodeChain(tokens: string[]): string[] {
    return tokens.map((t, i) => t.split(this.suffix).join(i === tokens.length - 1 ? '' : ' '));
  }

  toJSON() {
    return { type: 'BPEDecoder', suffix: this.suffix };
  }
}
