/**
 * Metaspace decoder: "▁" becomes a space, except in the first token when a prefix was prepended
 * (HF drops every "▁" of the first token in that case).
 */
import type { Decoder } from '../components';
import type { JsonReader } from '../json-reader';
import { readMetaspaceOptions, type PrependScheme } from '../pre-tokenizers/metaspace';

/** Decoder for SentencePiece-style "▁" spaces. */
export class MetaspaceDecoder implements Decoder {
  constructor(
    readonly replacement = '▁',
    readonly prependScheme: PrependScheme = 'always',
    readonly split = true,
  ) {}

  /** Reads the tokenizer.json form. */
  static fromJSON(r: JsonReader): MetaspaceDecoder {
    const o = readMetaspaceOptions(r);
    return new MetaspaceDecoder(o.replacement, o.prepend_scheme, o.split);
  }

  decodeChain(tokens: string[]): string[] {
    return tokens.map((token, i) => {
      const drop = i === 0 && this.prependScheme !== 'never';
      return token.split(this.replacement).join(drop ? '' : ' ');
    });
  }

  toJSON() {
    return { type: 'Metaspace', replacement: this.replacement, prepend_scheme: this.prependScheme, split: this.split };
  }
}
