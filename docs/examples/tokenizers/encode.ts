/**
 * What a tokenizer does to a sentence before a model sees it: WordPiece pieces, their ids, the
 * `[CLS]`/`[SEP]` specials and type ids of a sentence pair, offsets back into the text, and
 * decoding. The tokenizer is the embedded checkpoint's own (`tokenizer.json`, bert-base-uncased's
 * vocabulary), loaded from its files, so this runs in Node and in the browser alike.
 *
 *   tsx docs/examples/tokenizers/encode.ts
 */
import { loadTokenizer, type ModelFilesLike } from '@graft/models';
import { isMain } from '../is-main';

/** Encodes a sentence and a pair with the tokenizer in `files`; returns the first encoding's tokens and ids. */
export async function showTokens(files: ModelFilesLike, log: (line: string) => void): Promise<{ tokens: string[]; ids: number[]; pairTypeIds: number[] }> {
  const tokenizer = await loadTokenizer(files);
  const text = 'A gorgeous, witty, seductive movie.';
  const enc = tokenizer.encode(text);
  log(`text:    ${text}`);
  log(`tokens:  ${enc.tokens.join(' ')}`);
  log(`ids:     ${enc.ids.join(' ')}`);
  // offsets are [start, end) into the original string, even after lowercasing
  log(`offsets: ${enc.offsets.map(([s, e]) => (e > s ? text.slice(s, e) : '·')).join(' | ')}`);
  log(`decoded: ${tokenizer.decode(enc.ids, { skipSpecialTokens: true })}`);

  // a sentence pair: one sequence, type ids 0 then 1 (what BERT's segment embeddings read)
  const pair = tokenizer.encode('Is it good?', 'Unbelievably so.');
  log(`pair:    ${pair.tokens.join(' ')}`);
  log(`types:   ${pair.typeIds.join(' ')}`);

  // words the vocabulary lacks split into known pieces (## marks a continuation)
  log(`rare:    ${tokenizer.encode('grafting tokenizers').tokens.join(' ')}`);
  return { tokens: enc.tokens, ids: enc.ids, pairTypeIds: pair.typeIds };
}

if (isMain(import.meta.url)) {
  void import('@graft/models/node').then(({ dirFiles }) => showTokens(dirFiles('assets/models/bert-tiny-imdb-mlm'), console.log));
}
