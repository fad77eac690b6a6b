/** (IA)³: config, layer and the registered method. */
export { ia3Config, validateIA3Config, IA3_FIELDS, type IA3Config } from './config';
export { IA3Linear, type IA3LayerOptions } from './layer';
export { ia3Method, isFeedforward, IA3_TARGET_MODULES, IA3_FEEDFORWARD_MODULES } from './method';
