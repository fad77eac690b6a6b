// ---- masked-LM pretraining: packing, dynamic 80/10/10 masking, whole-word masking (src/mlm/) ----
export { packSequences, packSequencesAsync, SequencePacker, type PackOptions, type PackedRow } from './mlm/pack';
export { IGNORE_INDEX, maskTokens, resolveMasking, type MaskableRow, type MaskedRow, type MaskingOptions, type ResolvedMasking } from './mlm/masking';
export { groupWords, wordPieceContinuations, type TokenVocabulary } from './mlm/whole-word';
export {
  languageModelingCollate,
  maskOnce,
  type LanguageModelingCollate,
  type LanguageModelingCollateOptions,
  type LanguageModelingRow,
  type MaskedLmBatch,
} from './mlm/collate';
