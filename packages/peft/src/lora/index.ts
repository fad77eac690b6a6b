/** LoRA: config, layers and the registered method. */
export { loraConfig, validateLoraConfig, LORA_FIELDS, type InitLoraWeights, type LoraBias, type LoraConfig } from './config';
export { LoraLayer, type LoraLayerOptions } from './layer';
export { LoraLinear } from './linear';
export { LoraEmbedding } from './embedding';
export { DoraMagnitude, doraLinearDelta, rowNorm, type DoraLinearInputs } from './dora';
export { loraMethod, LORA_TARGET_MODULES } from './method';
