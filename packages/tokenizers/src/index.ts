/**
 * @graft/tokenizers: Hugging Face tokenizer.json pipelines in pure TypeScript, producing the same
 * ids as HF `tokenizers`. Offsets are UTF-16 code unit indices into the input string (the unit of
 * JS string indexing); use `toCodePointOffsets` to compare with Python's character offsets.
 */
export { TokenizerError, type TokenizerErrorCode } from './errors';
export { Encoding, type EncodingFields, type Direction } from './encoding';
export { NormalizedString } from './normalized-string';
export { PreTokenizedString, type Split, type Token } from './pre-tokenized-string';
export { findMatches, type Pattern, type SplitBehavior } from './pattern';
export { compileRegex } from './regex';
export { toCodePointOffsets } from './unicode';
export { seededRandom } from './rng';
export type { Decoder, Model, Normalizer, PostProcessor, PreTokenizer, RangeModel, RangePreTokenizer, TokenSink } from './components';
export { JsonReader, type JsonObject } from './json-reader';
export type { ComponentFactory } from './registry';

export * from './normalizers/index';
export * from './pre-tokenizers/index';
export * from './models/index';
export * from './processors/index';
export * from './decoders/index';

export { Tokenizer, type BatchInput, type DecodeOptions, type EncodeOptions } from './pipeline/tokenizer';
export { cleanUpTokenization } from './cleanup';
export { AddedVocabulary, type AddedToken, type ResolvedAddedToken } from './pipeline/added-vocabulary';
export { type PaddingParams, type ResolvedPadding } from './pipeline/padding';
export { type TruncationParams, type TruncationStrategy, type ResolvedTruncation } from './pipeline/truncation';

export { parseVocabTxt, fromVocabTxt, bertWordPieceTokenizer, bertOptionsFromConfig, type BertWordPieceOptions } from './loaders/vocab-txt';
export { parseVocabJson, parseMergesTxt, fromVocabMerges, type ByteLevelBPEOptions } from './loaders/vocab-merges';
export { parseSentencePieceModel, PieceType, type SentencePieceModel, type SentencePiecePiece } from './loaders/sentencepiece-model';
export { SentencePieceProcessor, type SentencePieceEncoding } from './loaders/sentencepiece-processor';
export { fromSentencePiece, type SentencePieceTokenizerOptions } from './loaders/sentencepiece-tokenizer';
export { byteLevelAlphabet } from './pre-tokenizers/byte-level-alphabet';
export { BpeTrainer, trainBpeFromCounts, type BpeTrainerOptions, type BpeTrainingResult } from './trainers/bpe-trainer';
export { WordPieceTrainer, type WordPieceTrainerOptions } from './trainers/wordpiece-trainer';
export { countWords } from './trainers/word-counts';
