/**
 * @graft/distill: knowledge distillation for Graft models. The logit loss
 * `α·T²·KL(teacher ‖ student) + (1−α)·CE`, α and T constant or scheduled over training,
 * hidden-state distillation through learned projections, attention-map distillation, a student
 * started from a subset of the teacher's layers, teacher logits computed once, and a
 * `distillationStep` that @graft/train's Trainer runs as its `trainStep`. Disk caching of teacher
 * logits is in `@graft/distill/node`.
 * @packageDocumentation
 */
export { DistillError, type DistillErrorCode } from './errors';
export { cosineRamp, linearRamp, parseScheduled, valueAt, type RampOptions, type Scheduled, type ValueSchedule } from './schedule';
export { distillationLoss, distillationTerms, type LogitDistillationOptions, type LogitDistillationTerms } from './logit-loss';
export { attentionLayerMap, keptLayerMap, modelShape, parseLayerMap, uniformLayerMap, type LayerMap, type ModelShape } from './layer-map';
export { HiddenStateDistiller, type HiddenStateDistillerOptions, type ProjectionKind } from './hidden-states';
export { attentionMapLoss, type AttentionLossKind, type AttentionMapLossOptions } from './attention-maps';
export { evenlySpacedLayers, initStudentFromTeacher, studentStateFromTeacher, type StudentInitOptions, type StudentInitReport } from './init-student';
export { computeTeacherLogits, TeacherLogits, type ComputeTeacherLogitsOptions, type LogitsModel, type RowSource } from './teacher-logits';
export { DistillationModel, type DistillableModel, type DistillableOutput, type TrainableStudent } from './distillation-model';
export {
  distillationStep,
  type AttentionDistillOptions,
  type DistillationStep,
  type DistillationStepOptions,
  type HiddenDistillOptions,
} from './distillation-step';
