/**
 * CTC decoder (wav2vec2-style outputs): collapses repeated tokens, drops the pad token, and with
 * `cleanup` turns the word delimiter into spaces after BERT's clean-up.
 */
import type { Decoder } from '../components';
import type { JsonReader } from '../json-reader';
import { cleanupSpaces } from '../cleanup';

/** Decoder for CTC token streams. */
export class CTC implements Decoder {
  constructor(
    readonly padToken = '<pad>',
    readonly wordDelimiterToken = '|',
    readonly cleanup = true,
  ) {}

  /** Reads the tokenizer.json form. */
  static fromJSON(r: JsonReader): CTC {
    return new CTC(r.string('pad_token', '<pad>'), r.string('word_delimiter_token', '|'), r.bool('cleanup', true));
  }

  decodeChain(tokens: string[]): string[] {
    const out: string[] = [];
    tokens.forEach((token, i) => {
      if (i > 0 && tokens[i - 1] === token) return; // dedup consecutive repeats
      let t = token.split(this.padToken).join('');
      if (this.cleanup) t = cleanupSpaces(t).split(this.wordDelimiterToken).join(' ');
      if (t.length > 0) out.push(t);
    });
    return out;
  }

  toJSON() {
    return { type: 'CTC', pad_token: this.padToken, word_delimiter_token: this.wordDelimiterToken, cleanup: this.cleanup };
  }
}
