/**
 * A student initialised from a subset of the teacher's layers (the DistilBERT recipe: same width,
 * half the layers, each taken from the teacher). It works on state dicts with HF names, so any
 * nn Module fits: a student key `bert.encoder.layer.M.…` is filled from the teacher's
 * `bert.encoder.layer.N.…` where N is the M-th kept layer, and every other key (embeddings,
 * pooler, heads) from the teacher's key of the same name. Everything is checked before anything
 * is copied: a shape that differs is an error naming the key, so a student of another width
 * fails loudly instead of training from a half-copied start.
 */
import { formatShape, shapesEqual, type Tensor } from '@graft/core';
import { Module, type AnyModule, type StateDictLike } from '@graft/nn';
import { DistillError } from './errors';
import { keptLayerMap, type LayerMap } from './layer-map';

/** Options of {@link studentStateFromTeacher} and {@link initStudentFromTeacher}. */
export interface StudentInitOptions {
  /**
   * The teacher layers to keep (0-based), one per student layer, in order. Default: spread evenly
   * from the first to the last, which for 12 → 6 is DistilBERT's [0, 2, 4, 7, 9, 11], and for a
   * one-layer student the first layer.
   */
  layers?: readonly number[];
  /**
   * How layer keys look: three groups, the prefix, the layer index and the rest. Default
   * `/^(.*\.layer)\.(\d+)\.(.+)$/` (`bert.encoder.layer.N.…`, `distilbert.transformer.layer.N.…`,
   * `roberta.encoder.layer.N.…`).
   */
  layerPattern?: RegExp;
}

/** What was copied. */
export interface StudentInitReport {
  /** The teacher layers kept, student layer i ← teacher layer `layers[i]`. */
  layers: number[];
  /** Student keys filled from the teacher. */
  copied: string[];
  /** Student keys the teacher has no tensor for (a head the teacher lacks): left as they were. */
  notInTeacher: string[];
  /** The hidden-state map pairing each student layer with the teacher layer it came from (for hidden-state distillation). */
  layerMap: LayerMap;
}

const DEFAULT_LAYER_PATTERN = /^(.*\.layer)\.(\d+)\.(.+)$/;

/** DistilBERT's choice generalised: `count` layers spread evenly over `teacherLayers`, first and last included. */
export function evenlySpacedLayers(count: number, teacherLayers: number): number[] {
  if (!(Number.isInteger(count) && count > 0 && count <= teacherLayers)) {
    throw new DistillError(
      'distill_init_mismatch',
      `cannot keep ${count} of the teacher's ${teacherLayers} layers: a student may have 1 to ${teacherLayers} layers`,
      {
        field: 'layers',
      },
    );
  }
  if (count === 1) return [0];
  return Array.from({ length: count }, (_, i) => Math.round((i * (teacherLayers - 1)) / (count - 1)));
}

function entries(sd: StateDictLike): Map<string, Tensor> {
  return sd instanceof Map ? sd : new Map(Object.entries(sd));
}

/** The layer indices that keys matching `pattern` use, sorted; an error when they are not 0..n−1. */
function layerIndices(keys: Iterable<string>, pattern: RegExp, role: string): number[] {
  const found = new Set<number>();
  for (const k of keys) {
    const m = pattern.exec(k);
    if (m) found.add(Number(m[2]));
  }
  const sorted = [...found].sort((a, b) => a - b);
  if (sorted.some((v, i) => v !== i)) {
    throw new DistillError(
      'distill_init_mismatch',
      `the ${role}'s layers are numbered ${sorted.join(', ')}, not 0..${sorted.length - 1}: is layerPattern right?`,
      {
        field: 'layerPattern',
      },
    );
  }
  return sorted;
}

/**
 * The student's state dict filled from the teacher's (see the file comment). `student` gives the
 * keys and shapes to fill; the returned tensors are the teacher's own (not copies), ready for
 * `student.loadStateDict(stateDict, { strict: false })`.
 */
export function studentStateFromTeacher(
  teacher: StateDictLike,
  student: StateDictLike,
  opts: StudentInitOptions = {},
): { stateDict: Map<string, Tensor>; report: StudentInitReport } {
  const pattern = opts.layerPattern ?? DEFAULT_LAYER_PATTERN;
  const t = entries(teacher);
  const s = entries(student);
  const teacherLayers = layerIndices(t.keys(), pattern, 'teacher').length;
  const studentLayers = layerIndices(s.keys(), pattern, 'student').length;
  if (studentLayers === 0 || teacherLayers === 0) {
    throw new DistillError(
      'distill_init_mismatch',
      `no layer keys in the ${studentLayers === 0 ? 'student' : 'teacher'} match ${pattern}: pass layerPattern with groups (prefix, index, rest)`,
      { field: 'layerPattern' },
    );
  }
  const layers = opts.layers ? [...opts.layers] : evenlySpacedLayers(studentLayers, teacherLayers);
  if (layers.length !== studentLayers) {
    throw new DistillError(
      'distill_init_mismatch',
      `layers lists ${layers.length} teacher layers, but the student has ${studentLayers}: give one per student layer`,
      {
        field: 'layers',
      },
    );
  }
  for (const l of layers) {
    if (!(Number.isInteger(l) && l >= 0 && l < teacherLayers)) {
      throw new DistillError('distill_init_mismatch', `layers names teacher layer ${l}, but the teacher has layers 0..${teacherLayers - 1}`, {
        field: 'layers',
      });
    }
  }
  const out = new Map<string, Tensor>();
  const notInTeacher: string[] = [];
  const mismatched: string[] = [];
  for (const [key, target] of s) {
    const m = pattern.exec(key);
    const source = m ? `${m[1]}.${layers[Number(m[2])]}.${m[3]}` : key;
    const src = t.get(source);
    if (!src) {
      if (m) {
        throw new DistillError(
          'distill_init_mismatch',
          `the teacher has no '${source}' for the student's '${key}': the two models' layers are built differently`,
          { field: key },
        );
      }
      notInTeacher.push(key);
      continue;
    }
    if (!shapesEqual(src.shape, target.shape)) mismatched.push(`'${key}' ${formatShape(target.shape)} ← '${source}' ${formatShape(src.shape)}`);
    else out.set(key, src);
  }
  if (mismatched.length) {
    throw new DistillError(
      'distill_init_mismatch',
      `the student cannot start from the teacher's layers, shapes differ: ${mismatched.join('; ')} (a narrower student learns through hidden-state projections instead)`,
      { field: mismatched[0].slice(1, mismatched[0].indexOf("'", 1)) },
    );
  }
  return { stateDict: out, report: { layers, copied: [...out.keys()], notInTeacher, layerMap: keptLayerMap(layers) } };
}

/**
 * Copies the teacher's kept layers, embeddings and heads into `student` (all or nothing; see
 * {@link studentStateFromTeacher}). The teacher is a module or a state dict (what
 * `loadSafetensors` returns); both must be on the CPU or on the student's device.
 */
export function initStudentFromTeacher(student: AnyModule, teacher: AnyModule | StateDictLike, opts: StudentInitOptions = {}): StudentInitReport {
  const teacherState = teacher instanceof Module ? teacher.stateDict() : teacher;
  const { stateDict, report } = studentStateFromTeacher(teacherState, student.stateDict(), opts);
  student.loadStateDict(stateDict, { strict: false });
  return report;
}
