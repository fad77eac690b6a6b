/**
 * Hidden-state distillation (TinyBERT's intermediate-layer loss): the MSE between mapped student
 * and teacher hidden states, the student's first passed through a learned `Linear` when the
 * widths differ. The projection is a module of its own, trained with the student (see
 * `DistillationModel`), and thrown away afterwards. Padding positions are left out of the mean
 * by default: their hidden states are whatever the model computes for [PAD], which no downstream
 * use reads.
 */
import { formatShape, type Generator, scope, type Tensor } from '@graft/core';
import { Linear, Module, ModuleDict } from '@graft/nn';
import { DistillError } from './errors';
import { type LayerMap, layerPairs } from './layer-map';

/** How student hidden states are projected to the teacher's width. */
export type ProjectionKind = 'shared' | 'per-layer';

/** Options of {@link HiddenStateDistiller}. */
export interface HiddenStateDistillerOptions {
  /** Student layers and width (hidden states are `numLayers + 1` with the embeddings'). */
  student: { numLayers: number; hiddenSize: number };
  /** Teacher layers and width. */
  teacher: { numLayers: number; hiddenSize: number };
  /** Student hidden-state index → teacher hidden-state index (see `uniformLayerMap`). */
  layerMap: LayerMap;
  /**
   * When the widths differ: one `Linear` for every layer (`'shared'`, the default, as TinyBERT's
   * code does) or one per mapped layer. Ignored when the widths are equal (no projection).
   */
  projection?: ProjectionKind;
  /** Leave padding positions out of the mean (default true). */
  maskPadding?: boolean;
  /** The generator the projections are initialised from (default: the global one). */
  generator?: Generator;
}

/** The MSE over mapped hidden-state pairs, with the projections that make widths meet. */
export class HiddenStateDistiller extends Module<[readonly Tensor[], readonly Tensor[], (Tensor | null)?], Tensor> {
  /** The one projection (`'shared'`), or null. */
  projection: Linear | null = null;
  /** Projections by student hidden-state index (`'per-layer'`), or null. */
  projections: ModuleDict<Linear> | null = null;
  /** The `[student, teacher]` hidden-state pairs compared, by student index. */
  readonly pairs: readonly [number, number][];
  readonly #maskPadding: boolean;
  readonly #studentCount: number;
  readonly #teacherCount: number;

  constructor(opts: HiddenStateDistillerOptions) {
    super();
    const { student, teacher } = opts;
    this.#studentCount = student.numLayers + 1;
    this.#teacherCount = teacher.numLayers + 1;
    this.pairs = layerPairs(opts.layerMap, this.#studentCount, this.#teacherCount, 'hidden-state distillation');
    this.#maskPadding = opts.maskPadding ?? true;
    const kind = opts.projection ?? 'shared';
    if (kind !== 'shared' && kind !== 'per-layer') {
      throw new DistillError('distill_config', `hidden.projection must be 'shared' or 'per-layer', got '${String(kind)}'`, { field: 'projection' });
    }
    if (student.hiddenSize !== teacher.hiddenSize) {
      const make = () => new Linear(student.hiddenSize, teacher.hiddenSize, { generator: opts.generator });
      if (kind === 'shared') this.projection = make();
      else this.projections = new ModuleDict(this.pairs.map(([s]) => [String(s), make()] as [string, Linear]));
    }
  }

  /** The student state `i` projected to the teacher's width (itself when the widths match). */
  project(state: Tensor, studentIndex: number): Tensor {
    if (this.projection) return this.projection.call(state);
    const p = this.projections?.get(String(studentIndex));
    return p ? p.call(state) : state;
  }

  /**
   * The mean over pairs of each pair's MSE. `attentionMask` (`[B, L]`, 1 = token) leaves padding
   * out when `maskPadding` is on; teacher states are detached.
   */
  forward(studentStates: readonly Tensor[], teacherStates: readonly Tensor[], attentionMask: Tensor | null = null): Tensor {
    checkStates('hiddenStates', studentStates, this.#studentCount, 'student');
    checkStates('hiddenStates', teacherStates, this.#teacherCount, 'teacher');
    return scope(() => {
      let total: Tensor | null = null;
      const mask = this.#maskPadding && attentionMask ? attentionMask.cast(studentStates[0].dtype).unsqueeze(-1) : null;
      for (const [s, t] of this.pairs) {
        const pred = this.project(studentStates[s], s);
        const target = teacherStates[t].detach();
        if (pred.shape.join() !== target.shape.join()) {
          throw new DistillError(
            'distill_output',
            `student hidden state ${s} ${formatShape(pred.shape)} (after projection) and teacher hidden state ${t} ${formatShape(target.shape)} differ; give the models the same batch`,
          );
        }
        const sq = pred.sub(target).square();
        const mse = mask
          ? sq
              .mul(mask)
              .sum()
              .div(
                mask
                  .sum()
                  .maximum(1)
                  .mul(pred.shape[pred.rank - 1]),
              )
          : sq.mean();
        total = total ? total.add(mse) : mse;
      }
      return (total as Tensor).div(this.pairs.length);
    });
  }
}

/** Checks a model returned its hidden states or attentions, as many as its layers say. */
export function checkStates(field: 'hiddenStates' | 'attentions', states: readonly Tensor[] | undefined, count: number, role: string): void {
  if (!Array.isArray(states)) {
    const flag = field === 'hiddenStates' ? 'outputHiddenStates' : 'outputAttentions';
    throw new DistillError(
      'distill_output',
      `the ${role} returned no ${field}: its call(inputs) must return { ${field} } when the inputs say ${flag}: true (as @graft/models' models do)`,
      { field },
    );
  }
  if (states.length !== count) {
    throw new DistillError(
      'distill_output',
      `the ${role} returned ${states.length} ${field}, but its shape says ${count}; pass ${role}Shape with its real layer count`,
      {
        field,
      },
    );
  }
}
