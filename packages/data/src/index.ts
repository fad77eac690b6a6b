/**
 * @graft/data: datasets and their sources (CSV/TSV, JSON, JSONL, Parquet; gzip too), HF-style
 * operations (`map` with a cache, `filter`, seeded `shuffle`, stratified splits, label
 * encoding), and DataLoaders that pad batches dynamically and resume at a saved position. This
 * entry runs in browsers and Node; files, folders and the disk cache are in `@graft/data/node`.
 * @packageDocumentation
 */

// ---- datasets ----
export { Dataset, type DatasetInit, type EncodedLabels, type MapOptions, type Rows } from './dataset';
export { concatDatasets } from './concat';
export { IterableDataset, type IterableMapOptions, type OpenRows } from './iterable-dataset';
export type { BatchedMapFn, Columns, MapFn, Merged, RowOf } from './map-rows';
export { memoryCache, type MapCache, type MapCacheEntry } from './map-cache';
export type { SplitOptions } from './split';
export type { LabelEncoding } from './labels';
export { classLabelNames, featuresFrom, type Feature, type Features } from './features';

// ---- sources ----
export type { DataSource } from './chunks';
export type { OnError, ReadOptions, ReadReport } from './options';
export type { ColumnType, ColumnTypes } from './column-types';
export { readCsv, readTsv, streamCsv, type CsvOptions, type CsvValue, type ReadCsvOptions } from './csv';
export { readJson, readJsonl, streamJsonl, type JsonOptions, type ReadJsonOptions } from './json';
export { readParquet, streamParquet, parquetFeatures, type ParquetOptions, type ParquetSource } from './parquet';

// ---- loading batches ----
export { DataLoader, IterableDataLoader, type DataLoaderOptions, type IterableDataLoaderOptions, type LoaderState } from './loader';
export { padCollate, type Collate, type PadCollateOptions, type TextBatch, type TokenizedRow } from './collate';

// ---- errors ----
export {
  CollateError,
  ColumnNotFoundError,
  DataFormatError,
  DataSourceError,
  type DataFormatErrorCode,
  type DataLocation,
  type DataSourceErrorCode,
} from './errors';

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
