/** Bottleneck (Houlsby) adapters: config, layer and the registered method. */
export {
  bottleneckAdapterConfig,
  bottleneckWidth,
  validateBottleneckConfig,
  BOTTLENECK_FIELDS,
  BOTTLENECK_INITS,
  BOTTLENECK_NON_LINEARITIES,
  DEFAULT_REDUCTION_FACTOR,
  type BottleneckAdapterConfig,
  type BottleneckInit,
  type BottleneckNonLinearity,
} from './config';
export { BottleneckLayer, nonLinearity, type BottleneckLayerOptions } from './layer';
export { bottleneckMethod, houlsbyTargets, BOTTLENECK_PLACEMENTS, BOTTLENECK_TARGET_MODULES } from './method';
