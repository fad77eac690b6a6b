/**
 * WordPiece decoder: glues "##" continuations to the previous token, puts a space before other
 * tokens, and optionally applies BERT's clean-up of spaces before punctuation and contractions.
 */
import type { Decoder } from '../components';
import { cleanupSpaces } from '../cleanup';
import type { JsonReader } from '../json-reader';

/** Decoder for WordPiece tokens. */
export class WordPieceDecoder implements Decoder {
  constructor(
    readonly prefix = '##',
    readonly cleanup = true,
  ) {}

  /** Reads the tokenizer.json form. */
  static fromJSON(r: JsonReader): WordPieceDecoder {
    return new WordPieceDecoder(r.string('prefix', '##'), r.bool('cleanup', true));
  }

  decodeChain(tokens: string[]): string[] {
    return tokens.map((token, i) => {
      let t = token;
      if (i !== 0) t = t.startsWith(this.prefix) ? t.slice(this.prefix.length) : ` ${t}`;
      return this.cleanup ? cleanupSpaces(t) : t;
    });
  }

  toJSON() {
    return { type: 'WordPiece', prefix: this.prefix, cleanup: this.cleanup };
  }
}
