/**
 * Everything between "a teacher and a student" and "a Trainer that distils", in one call, for
 * `graft distill` and scripts: optionally start the student from the teacher's layers, optionally
 * compute (or find) the teacher's logits on disk, and build the step. The caller then runs
 * `new Trainer({ model: prepared.model, trainStep: prepared.step, … })` and saves
 * `prepared.student` at the end. The Trainer is not called here: @graft/distill does not depend
 * on @graft/train (the import rules keep the two independent), and the caller owns the run.
 */
import { type DistillationStep, type DistillationStepOptions, distillationStep } from '../distillation-step';
import type { DistillableModel, TrainableStudent } from '../distillation-model';
import { DistillError } from '../errors';
import { initStudentFromTeacher, type StudentInitOptions, type StudentInitReport } from '../init-student';
import { checkKeys } from '../options';
import { type CachedLogitsResult, cachedTeacherLogits, type TeacherLogitsCacheOptions } from './teacher-logits-cache';

/** Options of {@link prepareDistillation}: the step's, plus how to start the student and where to cache. */
export interface PrepareDistillationOptions<Row, B> extends Omit<DistillationStepOptions, 'cachedLogits' | 'teacher'> {
  /** The teacher (run every step, or once to fill the cache). */
  teacher: DistillableModel;
  /**
   * Copy the teacher's embeddings, heads and a subset of its layers into the student first:
   * `true` (the evenly spaced default) or options; `'auto'` does so when the shapes allow and
   * otherwise leaves the student as it is (a narrower student), saying why in `initSkipped`.
   */
  initFromTeacher?: boolean | 'auto' | StudentInitOptions;
  /**
   * Offline distillation: compute the teacher's logits once over these rows and keep them in
   * `dir` (the step then reads them by the batch's `idx`). Not with `hidden` or `attention`, which
   * need the teacher's states every step.
   */
  cache?: Omit<TeacherLogitsCacheOptions<Row, B>, 'teacher'>;
}

/** What {@link prepareDistillation} built. */
export interface PreparedDistillation<B> {
  /** The Trainer's `model` (the student, or student + projections). */
  model: TrainableStudent<B>;
  /** The Trainer's `trainStep`. */
  step: DistillationStep<B>;
  /** The student, to save at the end. */
  student: DistillableModel;
  /** What was copied from the teacher, when `initFromTeacher` was asked (and, for `'auto'`, possible). */
  init: StudentInitReport | null;
  /** Why `initFromTeacher: 'auto'` copied nothing (the shapes that differ), else null. */
  initSkipped: string | null;
  /** The cache file and whether it was a hit, when `cache` was given. */
  cache: CachedLogitsResult | null;
}

const KEYS = [
  'student',
  'teacher',
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
  'initFromTeacher',
  'cache',
];

/** Builds a distillation run (see the file comment). */
export async function prepareDistillation<Row, B extends object>(opts: PrepareDistillationOptions<Row, B>): Promise<PreparedDistillation<B>> {
  if (!opts || typeof opts !== 'object') throw new DistillError('distill_config', 'prepareDistillation(options) needs { teacher, student, … }');
  checkKeys(opts, KEYS, 'prepareDistillation');
  const { initFromTeacher = false, cache: cacheOpts, ...stepOpts } = opts;
  if (cacheOpts && (opts.hidden || opts.attention)) {
    throw new DistillError(
      'distill_config',
      'prepareDistillation: cache holds only logits; hidden-state and attention distillation run the teacher every step (drop cache, or drop hidden/attention)',
      {
        field: 'cache',
      },
    );
  }
  let init: StudentInitReport | null = null;
  let initSkipped: string | null = null;
  if (initFromTeacher === 'auto') {
    try {
      init = initStudentFromTeacher(opts.student, opts.teacher);
    } catch (e) {
      if (!(e instanceof DistillError && e.code === 'distill_init_mismatch')) throw e;
      initSkipped = e.message;
    }
  } else if (initFromTeacher) init = initStudentFromTeacher(opts.student, opts.teacher, initFromTeacher === true ? {} : initFromTeacher);
  // a student started from kept layers learns each layer from the one it was copied from
  let hidden = stepOpts.hidden;
  if (init && hidden) hidden = hidden === true ? { layerMap: init.layerMap } : { layerMap: init.layerMap, ...hidden };
  let cache: CachedLogitsResult | null = null;
  if (cacheOpts) cache = await cachedTeacherLogits({ ...cacheOpts, teacher: opts.teacher });
  const step = distillationStep<B>({
    ...stepOpts,
    hidden,
    teacher: cache ? null : opts.teacher,
    cachedLogits: cache ? cache.logits : null,
  });
  return { model: step.model, step, student: opts.student, init, initSkipped, cache };
}
