/** Sequence pre-tokenizer: runs several pre-tokenizers in order. */
import type { PreTokenizer } from '../components';
import type { PreTokenizedString } from '../pre-tokenized-string';

/** Applies each pre-tokenizer in turn. */
export class PreTokenizerSequence implements PreTokenizer {
  constructor(readonly preTokenizers: PreTokenizer[]) {}

  preTokenize(s: PreTokenizedString): void {
    for (const p of this.preTokenizers) p.preTokenize(s);
  }

  toJSON() {
    return { type: 'Sequence', pretokenizers: this.preTokenizers.map((p) => p.toJSON()) };
  }
}
