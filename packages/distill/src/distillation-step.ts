/**
 * A distillation step is just another `TrainStep` (nn's type): the Trainer runs it through its
 * `trainStep` option and owns everything else (scopes, accumulation, clipping, the optimizer,
 * logging). Each call runs the student with its hidden states and attentions when the losses need
 * them, the teacher in eval mode under `noGrad` (or reads its cached logits by example index),
 * and returns the weighted sum of the logit, hidden-state and attention losses, with each term
 * and the current α and T as metrics. α, T and the two weights are read from their schedules
 * at the loop's `globalStep` over its `totalSteps`.
 *
 * The step carries `model`: what the Trainer must train. That is the student itself unless
 * hidden-state projections exist, in which case it is a `DistillationModel` holding both (see
 * there), so the optimizer the Trainer builds from `model.parameters()` trains the projections.
 */
import { type Generator, noGrad, Tensor } from '@graft/core';
import type { StepContext, StepOutput, TrainStep } from '@graft/nn';
import { attentionMapLoss, type AttentionLossKind } from './attention-maps';
import { DistillationModel, type DistillableModel, type DistillableOutput, type TrainableStudent } from './distillation-model';
import { DistillError } from './errors';
import { checkStates, HiddenStateDistiller, type ProjectionKind } from './hidden-states';
import { attentionLayerMap, type LayerMap, layerPairs, type ModelShape, requireShape, uniformLayerMap } from './layer-map';
import { checkAlphaTemperature, distillationTerms } from './logit-loss';
import { checkScheduled, type Scheduled, valueAt } from './schedule';
import type { TeacherLogits } from './teacher-logits';
import { checkKeys } from './options';

/** Options of the hidden-state term. */
export interface HiddenDistillOptions {
  /** Student → teacher hidden-state indices (0 = embeddings). Default: `uniformLayerMap` (evenly spaced, embeddings included). */
  layerMap?: LayerMap;
  /** The term's weight in the total (default 1). */
  weight?: Scheduled;
  /** One projection for all layers (`'shared'`, default) or one per layer, when widths differ. */
  projection?: ProjectionKind;
  /** Leave padding positions out (default true). */
  maskPadding?: boolean;
  /** Generator for the projections' initialisation (default: the global one). */
  generator?: Generator;
}

/** Options of the attention-map term. */
export interface AttentionDistillOptions {
  /** Student → teacher attention layers (0-based). Default: the hidden-state map's layers, else evenly spaced. */
  layerMap?: LayerMap;
  /** The term's weight in the total (default 1). */
  weight?: Scheduled;
  /** `'kl'` (default) or `'mse'`. */
  loss?: AttentionLossKind;
}

/** Options of {@link distillationStep}. */
export interface DistillationStepOptions {
  /** The model being trained. */
  student: DistillableModel;
  /** The teacher, run every step in eval mode without gradients. Give this or `cachedLogits`. */
  teacher?: DistillableModel | null;
  /** The teacher's logits computed beforehand (`computeTeacherLogits`, or the disk cache of `@graft/distill/node`). */
  cachedLogits?: TeacherLogits | null;
  /** The weight of the soft (teacher) term in [0, 1], constant or scheduled (default 0.5). */
  alpha?: Scheduled;
  /** The softmax temperature > 0, constant or scheduled (default 2). */
  temperature?: Scheduled;
  /** Hidden-state distillation (`true` for the defaults). Needs `teacher`. */
  hidden?: HiddenDistillOptions | boolean;
  /** Attention-map distillation (`true` for the defaults). Needs `teacher`. */
  attention?: AttentionDistillOptions | boolean;
  /** The student's layers and width when its `config` does not say. */
  studentShape?: Partial<ModelShape>;
  /** The teacher's layers and width when its `config` does not say. */
  teacherShape?: Partial<ModelShape>;
  /** The run's optimizer steps, for schedules, when the loop does not pass it (the Trainer does). */
  totalSteps?: number;
  /** The batch field holding labels (default `'labels'`). */
  labelsKey?: string;
  /** The batch field holding each row's example index, for `cachedLogits` (default `'idx'`). */
  indexKey?: string;
  /** Labels left out of the cross-entropy (default -100). */
  ignoreIndex?: number;
}

/** A distillation `TrainStep`, with the module the Trainer must train. */
export type DistillationStep<B> = TrainStep<B> & {
  /** Pass this as the Trainer's `model`: the student, or a `DistillationModel` when projections exist. */
  readonly model: TrainableStudent<B>;
  /** The hidden-state loss module (null without hidden-state distillation). */
  readonly hiddenDistiller: HiddenStateDistiller | null;
};

const STEP_KEYS = [
  'student',
  'teacher',
  'cachedLogits',
  'alpha',
  'temperature',
  'hidden',
  'attention',
  'studentShape',
  'teacherShape',
  'totalSteps',
  'labelsKey',
  'indexKey',
  'ignoreIndex',
];

type Batch = Record<string, unknown>;

/** The tensor field `key` of the batch, or null. */
function field(batch: Batch, key: string): Tensor | null {
  const v = batch[key];
  return v instanceof Tensor ? v : null;
}

/** A loss weight at `step`: a schedule's value, which must not be negative. */
function weightAt(name: string, w: Scheduled, step: number, total: number | undefined): number {
  const v = valueAt(name, w, step, total);
  if (v < 0) throw new DistillError('distill_schedule', `${name} is ${v} at step ${step}; a loss weight must be ≥ 0`, { field: name });
  return v;
}

/** Builds the step (see the file comment). */
export function distillationStep<B extends object>(opts: DistillationStepOptions): DistillationStep<B> {
  if (!opts || typeof opts !== 'object') throw new DistillError('distill_config', 'distillationStep(options) needs { student, teacher | cachedLogits, … }');
  checkKeys(opts, STEP_KEYS, 'distillationStep');
  const { student, teacher = null, cachedLogits = null, alpha = 0.5, temperature = 2, labelsKey = 'labels', indexKey = 'idx', ignoreIndex = -100 } = opts;
  if (!student || typeof student.call !== 'function')
    throw new DistillError('distill_config', 'distillationStep: student must be an nn Module whose call(inputs) returns { logits }', { field: 'student' });
  if (teacher && cachedLogits) throw new DistillError('distill_config', 'distillationStep: give teacher or cachedLogits, not both', { field: 'cachedLogits' });
  if (!teacher && !cachedLogits) throw new DistillError('distill_config', 'distillationStep: give a teacher to run, or its cachedLogits', { field: 'teacher' });
  if (teacher && typeof teacher.call !== 'function')
    throw new DistillError('distill_config', 'distillationStep: teacher must be an nn Module whose call(inputs) returns { logits }', { field: 'teacher' });
  if (teacher === student) throw new DistillError('distill_config', 'distillationStep: the teacher and the student are the same module', { field: 'teacher' });
  checkScheduled('alpha', alpha);
  checkScheduled('temperature', temperature);
  const hiddenOpts = opts.hidden === true ? {} : opts.hidden || null;
  const attentionOpts = opts.attention === true ? {} : opts.attention || null;
  if (hiddenOpts) checkKeys(hiddenOpts, ['layerMap', 'weight', 'projection', 'maskPadding', 'generator'], 'hidden');
  if (attentionOpts) checkKeys(attentionOpts, ['layerMap', 'weight', 'loss'], 'attention');
  if ((hiddenOpts || attentionOpts) && !teacher) {
    throw new DistillError(
      'distill_config',
      `${hiddenOpts ? 'hidden' : 'attention'} distillation needs the teacher's states, which cached logits do not hold: pass teacher`,
      {
        field: hiddenOpts ? 'hidden' : 'attention',
      },
    );
  }
  const hiddenWeight = hiddenOpts?.weight ?? 1;
  const attentionWeight = attentionOpts?.weight ?? 1;
  checkScheduled('hidden.weight', hiddenWeight);
  checkScheduled('attention.weight', attentionWeight);

  let hiddenDistiller: HiddenStateDistiller | null = null;
  let attentionPairs: [number, number][] | null = null;
  let studentLayers = 0;
  let teacherLayers = 0;
  if (teacher && (hiddenOpts || attentionOpts)) {
    const need: (keyof ModelShape)[] = hiddenOpts ? ['numLayers', 'hiddenSize'] : ['numLayers'];
    const s = requireShape(student, 'student', opts.studentShape ?? {}, need);
    const t = requireShape(teacher, 'teacher', opts.teacherShape ?? {}, need);
    studentLayers = s.numLayers;
    teacherLayers = t.numLayers;
    const hiddenMap = hiddenOpts?.layerMap ?? uniformLayerMap(s.numLayers, t.numLayers);
    if (hiddenOpts) {
      hiddenDistiller = new HiddenStateDistiller({
        student: s,
        teacher: t,
        layerMap: hiddenMap,
        projection: hiddenOpts.projection,
        maskPadding: hiddenOpts.maskPadding,
        generator: hiddenOpts.generator,
      });
    }
    if (attentionOpts) attentionPairs = layerPairs(attentionOpts.layerMap ?? attentionLayerMap(hiddenMap), s.numLayers, t.numLayers, 'attention distillation');
  }
  const hasProjections = !!hiddenDistiller && hiddenDistiller.parameters().length > 0;
  const model = (hasProjections ? new DistillationModel<B>(student, hiddenDistiller!) : student) as unknown as TrainableStudent<B>;
  teacher?.eval();
  const teacherParam = teacher?.parameters()[0] ?? null;

  const step = (batch: B, ctx: StepContext): StepOutput => {
    const b = batch as Batch;
    const total = ctx.totalSteps ?? opts.totalSteps;
    const a = valueAt('alpha', alpha, ctx.globalStep, total);
    const T = valueAt('temperature', temperature, ctx.globalStep, total);
    checkAlphaTemperature(a, T, `at step ${ctx.globalStep}`);
    const labels = field(b, labelsKey);
    const mask = field(b, 'attentionMask');
    const inputs = { ...b, [labelsKey]: null, outputHiddenStates: !!hiddenDistiller, outputAttentions: !!attentionPairs };
    const out = student.call(inputs as never) as DistillableOutput;
    let teacherOut: DistillableOutput | null = null;
    let teacherLogits: Tensor;
    if (teacher) {
      if (teacher.training) teacher.eval();
      const device = out.logits.device;
      if (teacherParam && teacherParam.device !== device) {
        throw new DistillError(
          'distill_config',
          `the teacher is on '${teacherParam.device}' but the batch is on '${device}': move it first (await teacher.toAsync('${device}'))`,
          { field: 'teacher' },
        );
      }
      teacherOut = noGrad(() => teacher.call(inputs as never) as DistillableOutput);
      teacherLogits = teacherOut.logits;
    } else {
      const idx = field(b, indexKey);
      if (!idx) {
        throw new DistillError(
          'distill_cache',
          `the batch has no '${indexKey}' field, so cached teacher logits cannot be looked up: give each row its example index (dataset.map((_, i) => ({ ${indexKey}: i })))`,
          { field: indexKey },
        );
      }
      teacherLogits = cachedLogits!.take(idx, out.logits.rank === 3 ? out.logits.shape[1] : undefined);
    }
    const rowMask = out.logits.rank === 3 && mask ? mask : null;
    const terms = distillationTerms(out.logits, teacherLogits, labels, { alpha: a, temperature: T, ignoreIndex, rowMask });
    let loss = terms.loss;
    const metrics: Record<string, number | Tensor> = { soft_loss: terms.soft.detach(), alpha: a, temperature: T };
    if (terms.hard) metrics.hard_loss = terms.hard.detach();
    if (hiddenDistiller && teacherOut) {
      checkStates('hiddenStates', out.hiddenStates, studentLayers + 1, 'student');
      checkStates('hiddenStates', teacherOut.hiddenStates, teacherLayers + 1, 'teacher');
      const h = hiddenDistiller.call(out.hiddenStates!, teacherOut.hiddenStates!, mask);
      loss = loss.add(h.mul(weightAt('hidden.weight', hiddenWeight, ctx.globalStep, total)));
      metrics.hidden_loss = h.detach();
    }
    if (attentionPairs && teacherOut) {
      checkStates('attentions', out.attentions, studentLayers, 'student');
      checkStates('attentions', teacherOut.attentions, teacherLayers, 'teacher');
      const att = attentionMapLoss(out.attentions!, teacherOut.attentions!, attentionPairs, { loss: attentionOpts?.loss, attentionMask: mask });
      loss = loss.add(att.mul(weightAt('attention.weight', attentionWeight, ctx.globalStep, total)));
      metrics.attention_loss = att.detach();
    }
    return { loss, metrics };
  };
  return Object.assign(step, { model, hiddenDistiller });
}
