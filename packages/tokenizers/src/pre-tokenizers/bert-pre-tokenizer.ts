/**
 * BertPreTokenizer: splits on whitespace (dropped) and isolates every punctuation character,
 * BERT's definition of punctuation being all ASCII symbols plus Unicode category P.
 */
import type { PreTokenizer } from '../components';
import type { NormalizedString } from '../normalized-string';
import type { PreTokenizedString } from '../pre-tokenized-string';
import { isBertPunctuation, isWhitespace } from '../unicode';

/** Whitespace + punctuation splitting of the original BERT tokenizer. */
export class BertPreTokenizer implements PreTokenizer {
  preTokenize(s: PreTokenizedString): void {
    // One pass doing what HF does in two (split on whitespace, then isolate punctuation).
    s.split((_, n) => {
      const text = n.normalized;
      const out: NormalizedString[] = [];
      let start = -1;
      for (let i = 0; i < text.length; ) {
        const c = text.charCodeAt(i);
        const cp = c < 0xd800 ? c : text.codePointAt(i)!;
        const len = cp > 0xffff ? 2 : 1;
        const ws = c < 128 ? c === 32 || (c >= 9 && c <= 13) : isWhitespace(cp);
        if (ws || isBertPunctuation(cp)) {
          if (start >= 0) out.push(n.slice(start, i));
          start = -1;
          if (!ws) out.push(n.slice(i, i + len));
        } else if (start < 0) start = i;
        i += len;
      }
      if (start >= 0) out.push(start === 0 ? n : n.slice(start, text.length));
      return out;
    });
  }

  toJSON() {
    return { type: 'BertPreTokenizer' };
  }
}
