/**
 * The fast path of `encode` for a range pre-tokenizer feeding a range model (BERT's pre-tokenizer
 * and WordPiece): the words are ranges of each split's normalized text and the model reads them
 * in place, writing straight into the Encoding's arrays. The result is the one the general path
 * builds (a NormalizedString per word, a Token list per word, then `intoEncoding`), without the
 * per-word objects that dominate the cost of encoding long texts.
 */
import type { RangeModel, RangePreTokenizer, TokenSink } from '../components';
import { Encoding } from '../encoding';
import type { NormalizedString } from '../normalized-string';
import type { PreTokenizedString } from '../pre-tokenized-string';

/** True when `encodeRanges` can serve this pair of components. */
export function supportsRanges(preTokenizer: unknown, model: unknown): preTokenizer is RangePreTokenizer {
  return (
    typeof (preTokenizer as Partial<RangePreTokenizer> | null)?.splitRanges === 'function' &&
    typeof (model as Partial<RangeModel> | null)?.tokenizeRange === 'function'
  );
}

/** Collects tokens into Encoding arrays, mapping offsets through the current split. */
class EncodingSink implements TokenSink {
  readonly ids: number[] = [];
  readonly tokens: string[] = [];
  readonly offsets: [number, number][] = [];
  readonly wordIds: number[] = [];
  split: NormalizedString | null = null;
  word = 0;

  push(id: number, value: string, start: number, end: number): void {
    this.ids.push(id);
    this.tokens.push(value);
    this.offsets.push(this.split!.originalRange(start, end));
    this.wordIds.push(this.word);
  }
}

/**
 * Pre-tokenizes and tokenizes `pre` (normalized, added tokens already cut out) into an Encoding.
 * Each pre-token, and each added token, is one word, numbered in order as `intoEncoding` does.
 */
export function encodeRanges(pre: PreTokenizedString, preTokenizer: RangePreTokenizer, model: RangeModel, typeId: number): Encoding {
  const sink = new EncodingSink();
  const ranges: number[] = [];
  for (const split of pre.splits) {
    if (split.tokens !== null) {
      sink.split = split.normalized;
      for (const t of split.tokens) sink.push(t.id, t.value, t.offsets[0], t.offsets[1]);
      sink.word++;
      continue;
    }
    const text = split.normalized.normalized;
    ranges.length = 0;
    preTokenizer.splitRanges(text, ranges);
    sink.split = split.normalized;
    for (let k = 0; k < ranges.length; k += 2) {
      model.tokenizeRange(text, ranges[k], ranges[k + 1], sink);
      sink.word++;
    }
  }
  const n = sink.ids.length;
  return new Encoding({
    ids: sink.ids,
    tokens: sink.tokens,
    offsets: sink.offsets,
    wordIds: sink.wordIds,
    typeIds: new Array<number>(n).fill(typeId),
    specialTokensMask: new Array<number>(n).fill(0),
    attentionMask: new Array<number>(n).fill(1),
  });
}
