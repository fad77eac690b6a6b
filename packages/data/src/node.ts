/**
 * @graft/data/node: the readers on file paths (gzip by extension, streaming of files larger
 * than memory), Hugging Face dataset folders, and `map`'s cache on disk.
 * @packageDocumentation
 */
export {
  readCsvFile,
  streamCsvFile,
  readJsonlFile,
  streamJsonlFile,
  readJsonFile,
  readParquetFile,
  streamParquetFile,
  readDataFile,
  streamDataFile,
  type DataFileOptions,
} from './fs/readers';
export { formatOf, type FileFormat, type FileOptions } from './fs/files';
export { dataFormatOf, registerDataFormat, type DataFileFormat } from './fs/formats';
export { loadHfDataset, hfDatasetSplits, type HfDatasetOptions } from './fs/hf-dataset';
export { diskCache } from './fs/disk-cache';
