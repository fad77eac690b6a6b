/** Prefix tuning: config, encoder and the registered method. */
export { prefixTuningConfig, validatePrefixTuningConfig, PREFIX_TUNING_FIELDS, type PrefixTuningConfig } from './config';
export { PrefixEncoder, type PrefixEncoderOptions } from './encoder';
export { prefixKeyValues, prefixTuningMethod, PREFIX_TUNING_MODEL_TYPES } from './method';
