/** Freezing strategies: full, head only, `freeze:N`, gradual unfreezing, and layer-wise decayed learning rates. */
export { FreezingError, type FreezingErrorCode } from './errors';
export { encoderLayout, layoutPartOf, partitionParameters, type EncoderLayout, type LayoutPart } from './layout';
export {
  checkFreezingMethod,
  checkUnfreezeEvery,
  FREEZING_METHOD_NAMES,
  freezingMethodName,
  parseFreezingMethod,
  type FreezingMethod,
  type UnfreezeEvery,
} from './method';
export { countParameters } from './counts';
export { GradualUnfreezing, type StagedModel, type UnfreezeContext, type UnfreezeListener } from './gradual';
export { applyFreezing, Freezing, type ApplyFreezingOptions, type FreezingGroupOptions, type FreezingStage } from './freezing';
