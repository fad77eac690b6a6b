/**
 * Logit distillation (Hinton et al. 2015): `α·T²·KL(softmax(teacher/T) ‖ softmax(student/T)) +
 * (1−α)·CE(student, labels)`, built from core's `crossEntropy` and nn's `klDiv` (nothing is
 * re-derived here). The KL term is 'batchmean' over every row, as `F.kl_div(...,
 * reduction='batchmean')` in the reference recipe, and the CE term is the mean over rows whose
 * label is not `ignoreIndex`; T² keeps the soft term's gradients on the scale of the hard one's
 * as T changes.
 */
import { crossEntropy, formatShape, isFloat, logSoftmax, scope, shapesEqual, type Tensor } from '@graft/core';
import { functional as F } from '@graft/nn';
import { DistillError } from './errors';

/** Options of {@link distillationTerms} and {@link distillationLoss}. */
export interface LogitDistillationOptions {
  /** The weight of the soft (teacher) term, in [0, 1]; the hard term gets 1 − α. */
  alpha: number;
  /** The softmax temperature, > 0. */
  temperature: number;
  /** Labels with this value are left out of the cross-entropy (default -100, as in PyTorch). */
  ignoreIndex?: number;
  /**
   * Which rows the KL term counts, for logits with more than one row per example (token tasks):
   * 1/true = counts, shaped like the logits without their class axis (an attention mask).
   * 'batchmean' then divides by the number of rows that count. Default: every row.
   */
  rowMask?: Tensor | null;
}

/** The loss and its two terms (each already scaled as in the formula's parts: `soft` is T²·KL). */
export interface LogitDistillationTerms {
  /** `α·soft + (1 − α)·hard`. */
  loss: Tensor;
  /** `T²·KL(teacher ‖ student)`, batchmean. */
  soft: Tensor;
  /** The cross-entropy with the labels; null when there are none (then α must be 1). */
  hard: Tensor | null;
}

/** Checks α and T, naming the one at fault. */
export function checkAlphaTemperature(alpha: number, temperature: number, where = 'distillation'): void {
  if (!(typeof alpha === 'number' && alpha >= 0 && alpha <= 1)) {
    throw new DistillError('distill_config', `${where}: alpha must be in [0, 1], got ${String(alpha)}`, { field: 'alpha' });
  }
  if (!(typeof temperature === 'number' && temperature > 0 && Number.isFinite(temperature))) {
    throw new DistillError('distill_config', `${where}: temperature must be a finite number > 0, got ${String(temperature)}`, { field: 'temperature' });
  }
}

/** Student logits, teacher logits and labels after checking they fit, as rows `[R, C]` and `[R]`. */
function asRows(student: Tensor, teacher: Tensor, labels: Tensor | null, rowMask: Tensor | null): [Tensor, Tensor, Tensor | null, Tensor | null] {
  if (student.rank < 2) throw new DistillError('distill_output', `logits must be [rows, classes] or [B, L, classes], got ${formatShape(student.shape)}`);
  if (!shapesEqual(student.shape, teacher.shape)) {
    throw new DistillError(
      'distill_output',
      `student logits ${formatShape(student.shape)} and teacher logits ${formatShape(teacher.shape)} differ: both models must predict the same classes (the same num_labels, or the same vocabulary)`,
    );
  }
  const classes = student.shape[student.rank - 1];
  const rowShape = student.shape.slice(0, -1);
  if (labels) {
    if (isFloat(labels.dtype)) {
      throw new DistillError('distill_output', `labels must be int32 class ids (the hard term is a cross-entropy), got ${labels.dtype}`, { field: 'labels' });
    }
    if (!shapesEqual(labels.shape, rowShape)) {
      throw new DistillError(
        'distill_output',
        `labels ${formatShape(labels.shape)} do not fit logits ${formatShape(student.shape)} (expected ${formatShape(rowShape)})`,
        {
          field: 'labels',
        },
      );
    }
  }
  if (rowMask && !shapesEqual(rowMask.shape, rowShape)) {
    throw new DistillError(
      'distill_output',
      `rowMask ${formatShape(rowMask.shape)} does not fit logits ${formatShape(student.shape)} (expected ${formatShape(rowShape)})`,
      {
        field: 'rowMask',
      },
    );
  }
  const rows = (t: Tensor) => (t.rank === 2 ? t : t.reshape([-1, classes]));
  const flat = (t: Tensor | null) => (t && t.rank !== 1 ? t.reshape([-1]) : t);
  return [rows(student), rows(teacher), flat(labels), flat(rowMask)];
}

/**
 * The distillation loss and its terms. The teacher's logits are detached: no gradient reaches
 * the teacher. Without labels the hard term is absent and α must be 1.
 */
export function distillationTerms(student: Tensor, teacher: Tensor, labels: Tensor | null, opts: LogitDistillationOptions): LogitDistillationTerms {
  const { alpha, temperature: T, ignoreIndex = -100, rowMask = null } = opts;
  checkAlphaTemperature(alpha, T);
  if (!labels && alpha < 1) {
    throw new DistillError(
      'distill_output',
      `the batch has no labels, so only the teacher's term can be trained: set alpha to 1 (it is ${alpha}), or give the rows a label`,
      { field: 'labels' },
    );
  }
  return scope(() => {
    const [s, t, y, mask] = asRows(student, teacher.detach(), labels, rowMask);
    // log-probabilities on both sides (logTarget): no log(0) where the teacher's softmax underflows
    const studentLogp = logSoftmax(s.div(T), -1);
    const teacherLogp = logSoftmax(t.div(T), -1);
    let kl: Tensor;
    if (mask) {
      const perRow = F.klDiv(studentLogp, teacherLogp, { logTarget: true, reduction: 'none' }).sum(-1);
      const m = mask.cast(perRow.dtype);
      kl = perRow.mul(m).sum().div(m.sum().maximum(1));
    } else kl = F.klDiv(studentLogp, teacherLogp, { logTarget: true, reduction: 'batchmean' });
    const soft = kl.mul(T * T);
    const hard = y ? crossEntropy(s, y, { ignoreIndex }) : null;
    const loss = hard ? soft.mul(alpha).add(hard.mul(1 - alpha)) : soft.mul(alpha);
    return { loss, soft, hard };
  });
}

/** `α·T²·KL(softmax(teacher/T) ‖ softmax(student/T)) + (1−α)·CE(student, labels)` (see {@link distillationTerms}). */
export function distillationLoss(student: Tensor, teacher: Tensor, labels: Tensor | null, opts: LogitDistillationOptions): Tensor {
  return distillationTerms(student, teacher, labels, opts).loss;
}
