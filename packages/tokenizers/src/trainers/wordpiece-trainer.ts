/**
 * WordPiece training, as in HF: BPE training with the continuing-subword prefix ("##"), whose
 * vocabulary then becomes a WordPiece model (the merges are not needed by WordPiece).
 */
import { WordPiece } from '../models/wordpiece';
import type { Tokenizer } from '../pipeline/tokenizer';
import { trainBpeFromCounts, type BpeTrainerOptions } from './bpe-trainer';
import { countWords } from './word-counts';

/** Options of WordPiece training (HF `WordPieceTrainer` arguments). */
export interface WordPieceTrainerOptions extends Omit<BpeTrainerOptions, 'endOfWordSuffix'> {
  unkToken?: string;
  maxInputCharsPerWord?: number;
}

/** Trains a WordPiece model for a tokenizer. */
export class WordPieceTrainer {
  constructor(readonly options: WordPieceTrainerOptions = {}) {}

  /** Learns from `texts` and installs the new model and special tokens in `tokenizer`. */
  train(tokenizer: Tokenizer, texts: Iterable<string>): WordPiece {
    const prefix = this.options.continuingSubwordPrefix ?? '##';
    const unk = this.options.unkToken ?? '[UNK]';
    const specials = this.options.specialTokens ?? [unk];
    const { vocab } = trainBpeFromCounts(countWords(tokenizer, texts), { ...this.options, specialTokens: specials, continuingSubwordPrefix: prefix });
    if (!vocab.has(unk)) vocab.set(unk, vocab.size);
    const model = new WordPiece(vocab, {
      unk_token: unk,
      continuing_subword_prefix: prefix,
      max_input_chars_per_word: this.options.maxInputCharsPerWord ?? 100,
    });
    tokenizer.model = model;
    tokenizer.addSpecialTokens(specials);
    return model;
  }
}
