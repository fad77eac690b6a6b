/**
 * BertPreTokenizer: splits on whitespace (dropped) and isolates every punctuation character,
 * BERT's definition of punctuation being all ASCII symbols plus Unicode category P.
 */
import type { RangePreTokenizer } from '../components';
import type { NormalizedString } from '../normalized-string';
import type { PreTokenizedString } from '../pre-tokenized-string';
import { isBertPunctuation, isWhitespace } from '../unicode';

/** Whitespace + punctuation splitting of the original BERT tokenizer. */
export class BertPreTokenizer implements RangePreTokenizer {
  preTokenize(s: PreTokenizedString): void {
    const ranges: number[] = [];
    s.split((_, n) => {
      ranges.length = 0;
      this.splitRanges(n.normalized, ranges);
      const out: NormalizedString[] = [];
      for (let k = 0; k < ranges.length; k += 2) out.push(ranges[k] === 0 && ranges[k + 1] === n.length ? n : n.slice(ranges[k], ranges[k + 1]));
      return out;
    });
  }

  /** One pass doing what HF does in two (split on whitespace, then isolate punctuation). */
  splitRanges(text: string, out: number[]): void {
    let start = -1;
    for (let i = 0; i < text.length; ) {
      const c = text.charCodeAt(i);
      const cp = c < 0xd800 ? c : text.codePointAt(i)!;
      const len = cp > 0xffff ? 2 : 1;
      const ws = c < 128 ? c === 32 || (c >= 9 && c <= 13) : isWhitespace(cp);
      if (ws || isBertPunctuation(cp)) {
        if (start >= 0) out.push(start, i);
        start = -1;
        if (!ws) out.push(i, i + len);
      } else if (start < 0) start = i;
      i += len;
    }
    if (start >= 0) out.push(start, text.length);
  }

  toJSON() {
    return { type: 'BertPreTokenizer' };
  }
}
