/** Strip decoder: removes up to `start` leading and `stop` trailing `content` characters per token. */
import type { Decoder } from '../components';
import type { JsonReader } from '../json-reader';

/** Trims a given character from each token. */
export class StripDecoder implements Decoder {
  constructor(
    readonly content: string,
    readonly start: number,
    readonly stop: number,
  ) {}

  /** Reads the tokenizer.json form. */
  static fromJSON(r: JsonReader): StripDecoder {
    return new StripDecoder(r.char('content'), r.uint('start'), r.uint('stop'));
  }

  decodeChain(tokens: string[]): string[] {
    return tokens.map((token) => {
      const chars = [...token];
      let from = 0;
      for (let i = 0; i < Math.min(this.start, chars.length) && chars[i] === this.content; i++) from = i + 1;
      let to = chars.length;
      for (let i = 0; i < this.stop; i++) {
        const index = chars.length - i - 1;
        if (index < 0 || chars[index] !== this.content) break;
        to = index;
      }
      return chars.slice(from, Math.max(from, to)).join('');
    });
  }

  toJSON() {
    return { type: 'Strip', content: this.content, start: this.start, stop: this.stop };
  }
}
