/**
 * Browser-safe file formats: safetensors read/write (bytes in, bytes out), half-float codecs and
 * sharded-checkpoint indexes. The Node-only file helpers live in `./safetensors-file` and are
 * exported from the Node entry, so browser bundles never pull in Node's file system module.
 */
export { SafetensorsError, type SafetensorsErrorCode } from './safetensors-error';
export { SAFETENSORS_HEADER_LIMITS, type SafetensorsHeaderLimits } from './safetensors-header-json';
export {
  SAFETENSORS_DTYPES,
  defaultDTypeFor,
  isSafetensorsDType,
  isSafetensorsFloat,
  safetensorsItemSize,
  type SafetensorsDType,
} from './safetensors-dtype';
export {
  MAX_SAFETENSORS_HEADER_BYTES,
  parseSafetensors,
  readSafetensorsHeader,
  type RawTensor,
  type ReadHeaderOptions,
  type SafetensorsFile,
  type SafetensorsHeader,
  type SafetensorsTensorInfo,
} from './safetensors-read';
export { decodeTensor, type DecodeOptions, type EncodedTensor } from './safetensors-decode';
export { serializeSafetensors, type TensorData, type TensorToWrite, type TensorsToWrite } from './safetensors-write';
export {
  parseByteSize,
  parseShardIndex,
  planShards,
  type PlannedShard,
  type PlanShardsOptions,
  type ShardIndex,
  type ShardPlan,
  type ShardPlanTensor,
} from './safetensors-shards';
export {
  decodeBFloat16,
  decodeBFloat16Array,
  decodeFloat16,
  decodeFloat16Array,
  encodeBFloat16,
  encodeBFloat16Array,
  encodeFloat16,
  encodeFloat16Array,
} from './half-float';
