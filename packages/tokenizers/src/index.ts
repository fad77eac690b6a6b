/**
 * @graft/tokenizers: Hugging Face tokenizer.json pipelines in pure TypeScript, producing the same
 * ids as HF `tokenizers`. Offsets are UTF-16 code unit indices into the input string (the unit of
 * JS string indexing); use `toCodePointOffsets` to compare with Python's character offsets.
 *
 * The export list is explicit: what is not named here is internal and may change without notice.
 */
export { TokenizerError, type TokenizerErrorCode } from './errors';
export { Encoding, MAX_PADDED_LENGTH, type EncodingFields, type Direction } from './encoding';
export { NormalizedString, type Edit } from './normalized-string';
export { PreTokenizedString, type Split as PreTokenizedSplit, type Token } from './pre-tokenized-string';
export { findMatches, type CharPredicate, type Pattern, type Segment, type SplitBehavior } from './pattern';
export { compileRegex, REGEX_LIMITS } from './regex';
export { MAX_TOKEN_ID } from './token-id';
export { toCodePointOffsets } from './unicode';
export { seededRandom } from './rng';
export { cleanUpTokenization } from './cleanup';
export type { Decoder, Model, Normalizer, PostProcessor, PreTokenizer, RangeModel, RangePreTokenizer, TokenSink } from './components';
export { JsonReader, type JsonObject } from './json-reader';
export type { JsonPattern } from './json-pattern';
export { MAX_COMPONENT_DEPTH, type ComponentFactory } from './registry';

// Normalizers
export {
  BertNormalizer,
  Lowercase,
  NormalizerSequence,
  Precompiled,
  Prepend,
  Replace,
  Strip,
  StripAccents,
  UnicodeNormalizer,
  normalizerFromJSON,
  normalizers,
  registerNormalizer,
} from './normalizers/index';
export type { BertNormalizerOptions } from './normalizers/bert-normalizer';

// Pre-tokenizers
export {
  BertPreTokenizer,
  ByteLevel,
  CharDelimiterSplit,
  Digits,
  Metaspace,
  PreTokenizerSequence,
  Punctuation,
  Split,
  Whitespace,
  WhitespaceSplit,
  preTokenizerFromJSON,
  preTokenizers,
  registerPreTokenizer,
} from './pre-tokenizers/index';
export type { ByteLevelOptions } from './pre-tokenizers/byte-level';
export type { MetaspaceOptions, PrependScheme } from './pre-tokenizers/metaspace';
export { byteLevelAlphabet } from './pre-tokenizers/byte-level-alphabet';

// Models
export { BPE, Unigram, WordLevel, WordPiece, modelFromJSON, models, registerModel } from './models/index';
export type { BPEOptions } from './models/bpe';
export type { WordPieceOptions } from './models/wordpiece';

// Post-processors
export {
  BasePostProcessor,
  BertProcessing,
  ByteLevelProcessing,
  PostProcessorSequence,
  RobertaProcessing,
  TemplateProcessing,
  postProcessorFromJSON,
  postProcessors,
  registerPostProcessor,
} from './processors/index';
export type { SpecialPair } from './processors/base';
export type { TemplatePiece, TemplateSpecialToken } from './processors/template-processing';

// Decoders
export {
  BPEDecoder,
  ByteFallback,
  ByteLevelDecoder,
  CTC,
  DecoderSequence,
  Fuse,
  MetaspaceDecoder,
  ReplaceDecoder,
  StripDecoder,
  WordPieceDecoder,
  decoderFromJSON,
  decoders,
  registerDecoder,
} from './decoders/index';

// The pipeline
export { Tokenizer, type BatchInput, type DecodeOptions, type EncodeOptions } from './pipeline/tokenizer';
export { AddedVocabulary, type AddedToken, type ResolvedAddedToken } from './pipeline/added-vocabulary';
export type { PaddingParams, ResolvedPadding } from './pipeline/padding';
export type { TruncationParams, TruncationStrategy, ResolvedTruncation } from './pipeline/truncation';

// Other file formats
export { parseVocabTxt, fromVocabTxt, bertWordPieceTokenizer, bertOptionsFromConfig, type BertWordPieceOptions } from './loaders/vocab-txt';
export { parseVocabJson, parseMergesTxt, fromVocabMerges, type ByteLevelBPEOptions } from './loaders/vocab-merges';
export { parseSentencePieceModel, PieceType, type SentencePieceModel, type SentencePiecePiece } from './loaders/sentencepiece-model';
export { SentencePieceProcessor, type SentencePieceEncoding } from './loaders/sentencepiece-processor';
export { fromSentencePiece, type SentencePieceTokenizerOptions } from './loaders/sentencepiece-tokenizer';

// Training
export { BpeTrainer, trainBpeFromCounts, type BpeTrainerOptions, type BpeTrainingResult } from './trainers/bpe-trainer';
export { WordPieceTrainer, type WordPieceTrainerOptions } from './trainers/wordpiece-trainer';
export { countWords } from './trainers/word-counts';
