/** BitFit: config, layer and the registered method. */
export { bitfitConfig, BITFIT_FIELDS, type BitFitConfig } from './config';
export { BitFitLayer, ownBias } from './layer';
export { bitfitMethod, holdsBias } from './method';
