/**
 * Which student layer learns from which teacher layer. Indices are those of the models'
 * `hiddenStates` (HF's convention: 0 is the embeddings' output, i the output of layer i, so a
 * 2-layer model has 3); attention maps are per layer, 0-based. The default pairs layers evenly
 * (TinyBERT's uniform strategy: student layer i ↔ teacher layer i·N/M, the last with the last),
 * which for a teacher twice as deep is every other layer, as DistilBERT halves BERT.
 */
import type { AnyModule } from '@graft/nn';
import { DistillError } from './errors';

/** Student index → teacher index: `{ 1: 2, 2: 4 }` (hidden states) or `{ 0: 1, 1: 3 }` (attention layers). */
export type LayerMap = Readonly<Record<number, number>>;

/** The sizes a distillation setup needs from a model. */
export interface ModelShape {
  /** Transformer layers. */
  numLayers: number;
  /** Width of the hidden states. */
  hiddenSize: number;
  /** Attention heads per layer, when known. */
  numHeads?: number;
}

const FIELDS = {
  numLayers: ['num_hidden_layers', 'n_layers', 'num_layers'],
  hiddenSize: ['hidden_size', 'dim', 'd_model'],
  numHeads: ['num_attention_heads', 'n_heads'],
} as const;

/**
 * A model's layer count, width and heads, read from its `config` (BERT/RoBERTa's
 * `num_hidden_layers`/`hidden_size`/`num_attention_heads`, DistilBERT's `n_layers`/`dim`/`n_heads`),
 * with `given` fields taking precedence; `null` where neither says.
 */
export function modelShape(model: AnyModule, given: Partial<ModelShape> = {}): Partial<ModelShape> {
  const config = (model as { config?: Record<string, unknown> }).config ?? {};
  const read = (names: readonly string[]) => {
    for (const n of names) {
      const v = config[n];
      if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
    }
    return undefined;
  };
  const out: Partial<ModelShape> = {};
  for (const key of Object.keys(FIELDS) as (keyof ModelShape)[]) {
    const v = given[key] ?? read(FIELDS[key]);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** The shape of `model` with `fields` present, or an error naming the option to pass. */
export function requireShape(model: AnyModule, role: 'student' | 'teacher', given: Partial<ModelShape>, fields: (keyof ModelShape)[]): ModelShape {
  const shape = modelShape(model, given);
  for (const f of fields) {
    if (shape[f] === undefined) {
      throw new DistillError(
        'distill_config',
        `cannot tell the ${role}'s ${f}: its config has none of ${FIELDS[f].join(', ')}; pass ${role}Shape: { ${f} } in the options`,
        { field: `${role}Shape.${f}` },
      );
    }
  }
  return shape as ModelShape;
}

/**
 * The evenly spaced map over hidden states: student state i ↔ teacher state round(i·N/M) for
 * i = 1..M (so the last layers meet), and the embeddings 0 ↔ 0 unless left out.
 */
export function uniformLayerMap(studentLayers: number, teacherLayers: number, opts: { includeEmbeddings?: boolean } = {}): LayerMap {
  for (const [name, v] of [
    ['studentLayers', studentLayers],
    ['teacherLayers', teacherLayers],
  ] as const) {
    if (!(Number.isInteger(v) && v > 0))
      throw new DistillError('distill_layer_map', `uniformLayerMap: ${name} must be a positive integer, got ${v}`, { field: name });
  }
  const map: Record<number, number> = {};
  if (opts.includeEmbeddings ?? true) map[0] = 0;
  for (let i = 1; i <= studentLayers; i++) map[i] = Math.round((i * teacherLayers) / studentLayers);
  return map;
}

/**
 * The hidden-state map of a student whose layer i was copied from teacher layer `kept[i]`
 * (0-based, as {@link initStudentFromTeacher} takes them): each student layer's output learns
 * from the output of the teacher layer it started as, and embeddings from embeddings.
 */
export function keptLayerMap(kept: readonly number[]): LayerMap {
  const map: Record<number, number> = { 0: 0 };
  kept.forEach((t, i) => {
    map[i + 1] = t + 1;
  });
  return map;
}

/** The attention-layer map implied by a hidden-state map: layer j's output is hidden state j + 1. */
export function attentionLayerMap(hiddenMap: LayerMap): LayerMap {
  const map: Record<number, number> = {};
  for (const [s, t] of Object.entries(hiddenMap)) {
    const si = Number(s);
    if (si >= 1 && t >= 1) map[si - 1] = t - 1;
  }
  return map;
}

/**
 * The map's pairs `[student, teacher]`, sorted by student index, after checking every index
 * exists (`studentCount` / `teacherCount` entries on each side).
 */
export function layerPairs(map: LayerMap, studentCount: number, teacherCount: number, what: string): [number, number][] {
  if (!map || typeof map !== 'object') throw new DistillError('distill_layer_map', `${what}: the layer map must be an object { student: teacher }`);
  const pairs: [number, number][] = [];
  for (const [s, t] of Object.entries(map)) {
    const si = Number(s);
    if (!(Number.isInteger(si) && si >= 0 && si < studentCount)) {
      throw new DistillError('distill_layer_map', `${what}: student index ${s} does not exist (the student has ${studentCount}: 0..${studentCount - 1})`, {
        field: s,
      });
    }
    if (!(Number.isInteger(t) && t >= 0 && t < teacherCount)) {
      throw new DistillError(
        'distill_layer_map',
        `${what}: teacher index ${String(t)} (for student ${s}) does not exist (the teacher has ${teacherCount}: 0..${teacherCount - 1})`,
        { field: s },
      );
    }
    pairs.push([si, t]);
  }
  if (pairs.length === 0) throw new DistillError('distill_layer_map', `${what}: the layer map is empty; map at least one student layer to a teacher layer`);
  return pairs.sort((a, b) => a[0] - b[0]);
}

/** A layer map from text, as a command line gives it: `1:2,2:4` (student:teacher pairs). */
export function parseLayerMap(text: string): LayerMap {
  const map: Record<number, number> = {};
  for (const pair of String(text).split(',')) {
    const m = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(pair);
    if (!m) throw new DistillError('distill_layer_map', `layer map '${text}': '${pair}' is not student:teacher (write e.g. 1:2,2:4)`);
    if (Number(m[1]) in map) throw new DistillError('distill_layer_map', `layer map '${text}' maps student ${m[1]} twice`, { field: m[1] });
    map[Number(m[1])] = Number(m[2]);
  }
  return map;
}
