/**
 * The input after added tokens were cut out and normalization ran: a list of splits, each a
 * NormalizedString and, once a model (or the added vocabulary) has seen it, its tokens. Pre-
 * tokenizers refine the splits; the model fills in tokens; `intoEncoding` maps every token's
 * offsets back to the original input.
 */
import { Encoding } from './encoding';
import { TokenizerError } from './errors';
import { NormalizedString } from './normalized-string';

/** A token as produced by a model: offsets are relative to the split's normalized text. */
export interface Token {
  id: number;
  value: string;
  offsets: [number, number];
}

/** One piece of a PreTokenizedString. */
export interface Split {
  normalized: NormalizedString;
  tokens: Token[] | null;
}

/** A string cut into splits on its way through the pipeline. */
export class PreTokenizedString {
  /** The full input text. */
  readonly original: string;
  /** The current splits, in order. */
  splits: Split[];

  constructor(original: string | NormalizedString) {
    const ns = typeof original === 'string' ? new NormalizedString(original) : original;
    this.original = ns.original;
    this.splits = [{ normalized: ns, tokens: null }];
  }

  /**
   * Replaces each split that has no tokens yet by the pieces `fn` returns; empty pieces are
   * dropped (HF does the same, so a normalizer that empties a split removes it).
   */
  split(fn: (index: number, normalized: NormalizedString) => (NormalizedString | Split)[]): void {
    const next: Split[] = [];
    for (let i = 0; i < this.splits.length; i++) {
      const split = this.splits[i];
      if (split.tokens !== null) {
        next.push(split);
        continue;
      }
      for (const piece of fn(i, split.normalized)) {
        const s: Split = piece instanceof NormalizedString ? { normalized: piece, tokens: null } : piece;
        if (!s.normalized.isEmpty()) next.push(s);
      }
    }
    this.splits = next;
  }

  /** Runs `fn` on every split that has no tokens yet. */
  normalize(fn: (normalized: NormalizedString) => void): void {
    for (const split of this.splits) if (split.tokens === null) fn(split.normalized);
  }

  /** Tokenizes every split that has no tokens yet. */
  tokenize(fn: (text: string) => Token[]): void {
    for (const split of this.splits) if (split.tokens === null) split.tokens = fn(split.normalized.normalized);
  }

  /** The splits as `[normalized text, [start, end)]` with offsets into the original input. */
  getSplits(): [string, [number, number]][] {
    return this.splits.map((s) => [s.normalized.normalized, s.normalized.offsetsOriginal()]);
  }

  /**
   * Builds an Encoding; each split is one word unless `wordIndex` is given (pre-tokenized input,
   * where the whole sequence is one word).
   */
  intoEncoding(wordIndex: number | null, typeId: number): Encoding {
    let n = 0;
    for (const split of this.splits) {
      if (split.tokens === null) throw new TokenizerError('E_ARGUMENT', 'PreTokenizedString.intoEncoding: a split was not tokenized; call tokenize() first');
      n += split.tokens.length;
    }
    const ids = new Array<number>(n);
    const tokens = new Array<string>(n);
    const offsets = new Array<[number, number]>(n);
    const words = new Array<number | null>(n);
    let k = 0;
    for (let i = 0; i < this.splits.length; i++) {
      const { normalized, tokens: toks } = this.splits[i];
      const word = wordIndex ?? i;
      for (const t of toks!) {
        ids[k] = t.id;
        tokens[k] = t.value;
        offsets[k] = normalized.originalRange(t.offsets[0], t.offsets[1]);
        words[k++] = word;
      }
    }
    return new Encoding({
      ids,
      tokens,
      offsets,
      wordIds: words,
      typeIds: new Array<number>(n).fill(typeId),
      specialTokensMask: new Array<number>(n).fill(0),
      attentionMask: new Array<number>(n).fill(1),
    });
  }
}
