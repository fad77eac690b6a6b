/**
 * Whole-word masking for WordPiece vocabularies: a word is a token plus the `##` continuation
 * tokens after it, and masking picks words, not tokens. Masking "##able" alone (leaving "agree")
 * lets the model read the answer off its neighbour; masking the whole word does not (Google's
 * whole-word-masking BERT, transformers' `DataCollatorForWholeWordMask`).
 */
import { ArgumentError } from '@graft/core';

/** The part of a tokenizer whole-word masking needs (structural: `@graft/data` does not import tokenizers). */
export interface TokenVocabulary {
  /** The token string of `id`, or undefined for an id outside the vocabulary. */
  idToToken(id: number): string | undefined;
  /** How many ids the vocabulary has. */
  getVocabSize(): number;
}

/**
 * A per-id table, 1 where the token continues the previous word: WordPiece's `##` prefix by
 * default (`prefix` for vocabularies that use another marker).
 */
export function wordPieceContinuations(vocab: TokenVocabulary, prefix = '##'): Uint8Array {
  if (prefix.length === 0) throw new ArgumentError('wordPieceContinuations: prefix must not be empty');
  const size = vocab.getVocabSize();
  const table = new Uint8Array(size);
  for (let id = 0; id < size; id++) {
    const token = vocab.idToToken(id);
    if (token !== undefined && token.length > prefix.length && token.startsWith(prefix)) table[id] = 1;
  }
  return table;
}

/**
 * Groups the maskable positions of a row into words: `words[k]` lists the positions of word k.
 * A continuation token joins the word before it only when that word's last token is right before
 * it; a continuation after a special token or padding starts a word of its own.
 */
export function groupWords(inputIds: ArrayLike<number>, maskable: ArrayLike<boolean | number>, continuations: Uint8Array): number[][] {
  const words: number[][] = [];
  let current: number[] | null = null;
  for (let i = 0; i < inputIds.length; i++) {
    if (!maskable[i]) {
      current = null;
      continue;
    }
    const id = inputIds[i];
    if (current && id >= 0 && id < continuations.length && continuations[id] === 1) current.push(i);
    else {
      current = [i];
      words.push(current);
    }
  }
  return words;
}
