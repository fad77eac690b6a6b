/** Bottleneck (Houlsby) adapters: config, layer and the registered method. */
export {
  bottleneckAdapterConfig,
  bottleneckWidth,
  validateBottleneckConfig,
  BOTTLENECK_FIELDS,
  BOTTLENECK_NON_LINEARITIES,
  DEFAULT_REDUCTION_FACTOR,
  type BottleneckAdapterConfig,
  type BottleneckNonLinearity,
} from './config';
export { BottleneckLayer, nonLinearity, type BottleneckLayerOptions } from './layer';
export { bottleneckMethod, BOTTLENECK_TARGET_MODULES } from './method';
