/**
 * A tokenizer component as a plugin: a normalizer that shortens runs of one character
 * ("sooooo gooood!!!!" → "soo good!!"), since reviews stretch words for emphasis and every
 * stretched spelling would otherwise cut into different word pieces. It is registered under a
 * `type` tag with `registerNormalizer`, so any tokenizer.json that names it loads, and it saves
 * back under the same tag. It edits the text through `NormalizedString`, which keeps every
 * character's place in the input: the tokens' offsets still point into the text as written.
 *
 *   tsx docs/examples/plugins/tokenizer-normalizer.ts
 */
import { type JsonReader, type NormalizedString, type Normalizer, registerNormalizer, Tokenizer, TokenizerError } from '@graft/tokenizers';

// #region normalizer
/** Keeps at most `max` consecutive copies of a character (tokenizer.json: `{ "type": "CollapseRepeats", "max": 2 }`). */
export class CollapseRepeats implements Normalizer {
  constructor(readonly max = 2) {
    if (!Number.isInteger(max) || max < 1) throw new TokenizerError('E_BAD_FIELD', `CollapseRepeats: max must be a positive integer, got ${max}`);
  }

  /** Reads the tokenizer.json form; a missing `max` is 2. */
  static fromJSON(r: JsonReader): CollapseRepeats {
    return new CollapseRepeats(r.uint('max', 2));
  }

  normalize(s: NormalizedString): void {
    let previous = -1;
    let run = 0;
    // filter visits the code points in order; dropping one keeps the others' alignments
    s.filter((cp) => {
      run = cp === previous ? run + 1 : 1;
      previous = cp;
      return run <= this.max;
    });
  }

  toJSON() {
    return { type: 'CollapseRepeats', max: this.max };
  }
}

/** Makes `"type": "CollapseRepeats"` loadable in every tokenizer.json read after this call. */
export function registerCollapseRepeats(): void {
  registerNormalizer('CollapseRepeats', (reader) => CollapseRepeats.fromJSON(reader));
}
// #endregion normalizer

// #region use
/** BERT's tokenizer.json with CollapseRepeats before its own normalizer, loaded and saved again. */
export function withCollapseRepeats(tokenizerJson: Record<string, unknown>): Tokenizer {
  registerCollapseRepeats();
  const normalizer = { type: 'Sequence', normalizers: [{ type: 'CollapseRepeats', max: 2 }, tokenizerJson.normalizer] };
  return Tokenizer.fromJSON({ ...tokenizerJson, normalizer });
}
// #endregion use

if (typeof process !== 'undefined' && import.meta.url === `file://${process.argv[1]}`) {
  const { readFileSync } = await import('node:fs');
  const json = JSON.parse(readFileSync(new URL('../../../assets/models/bert-tiny-imdb-mlm/tokenizer.json', import.meta.url), 'utf8'));
  const text = 'Sooooo gooood!!!!';
  const plain = Tokenizer.fromJSON(json).encode(text);
  const collapsed = withCollapseRepeats(json).encode(text);
  console.log('without:', plain.tokens.join(' '));
  console.log('with:   ', collapsed.tokens.join(' '));
  console.log('offsets:', collapsed.offsets.map(([a, b]) => text.slice(a, b)).join(' | '));
}
