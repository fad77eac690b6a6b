/** LoHa, a PEFT method from outside @graft/peft: its config, its layer and its registry entry. */
export { LOHA_FIELDS, lohaConfig, validateLoHaConfig, type LoHaConfig } from './config';
export { LoHaLinear, type LoHaLayerOptions } from './layer';
export { lohaMethod } from './method';
