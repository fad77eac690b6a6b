/**
 * The first step of training: run each text through the tokenizer's normalizer and
 * pre-tokenizer (added tokens cut out, as HF's trainers see it) and count the resulting words.
 */
import type { Tokenizer } from '../pipeline/tokenizer';

/** Counts the pre-tokenized words of `texts` as `tokenizer` would split them. */
export function countWords(tokenizer: Tokenizer, texts: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) {
    const pre = tokenizer.addedVocabulary.extractAndNormalize(tokenizer.normalizer, text);
    tokenizer.preTokenizer?.preTokenize(pre);
    for (const split of pre.splits) {
      if (split.tokens !== null) continue; // an added token, not training material
      const w = split.normalized.normalized;
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  return counts;
}
