/**
 * `graft distill --student`: a model folder (loaded, its head sized to the teacher's labels), a
 * config.json (built fresh), or `layers=N` (the teacher's own config with N layers, the
 * DistilBERT recipe's shape). Built students start from the teacher's layers unless told not to;
 * a loaded one keeps its own weights unless `--init-from-teacher` or `--keep-layers` asks.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AnyPreTrainedModel } from '@graft/models';
import type { CliContext } from '../command';
import { modelError, usageError } from '../errors';
import { freshModel, loadModel, type ModelConfigJson, readModelDir } from '../model-loading';

/** What `--student` names. */
export interface StudentSource {
  /** `dir`: a model folder; `config`: a config.json; `layers`: the teacher's config with N layers. */
  kind: 'dir' | 'config' | 'layers';
  /** The folder or file, absolute (`layers=N` as given). */
  path: string;
  /** The student's config.json as it will be built or loaded (labels not yet set). */
  config: ModelConfigJson;
}

/** The layer-count field of a config: DistilBERT's `n_layers`, else `num_hidden_layers`. */
export function layerField(config: ModelConfigJson): 'n_layers' | 'num_hidden_layers' {
  return config.model_type === 'distilbert' ? 'n_layers' : 'num_hidden_layers';
}

/** Reads `--student` against the teacher's config; a value that names nothing is a usage error saying the three forms. */
export function readStudentSource(value: string, teacher: ModelConfigJson, cwd: string): StudentSource {
  const forms = 'pass a model folder, a config.json, or layers=N';
  const layers = /^layers=(.*)$/.exec(value);
  if (layers) {
    const n = Number(layers[1]);
    const field = layerField(teacher);
    const most = teacher[field] as number | undefined;
    if (!Number.isInteger(n) || n < 1 || (most !== undefined && n > most))
      throw usageError(`--student ${value}: N must be a whole number from 1 to the teacher's ${most ?? '?'} layers`, 'invalid_student');
    return { kind: 'layers', path: value, config: { ...teacher, [field]: n } };
  }
  const path = resolve(cwd, value);
  if (!existsSync(path)) throw usageError(`--student ${value}: no such file or folder (${path}); ${forms}`, 'invalid_student');
  if (statSync(path).isDirectory()) return { kind: 'dir', path, config: readModelDir(value, cwd, '--student').config };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw modelError(`--student ${value}: not valid JSON (${(e as Error).message}); ${forms}`, 'model_config');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw modelError(`--student ${value}: expected a config.json object`, 'model_config');
  return { kind: 'config', path, config: json as ModelConfigJson };
}

/** Loads or builds the student for the teacher's labels; its vocabulary must hold the teacher's tokenizer. */
export async function createStudent(
  source: StudentSource,
  labels: readonly string[],
  vocabSize: number,
  seed: number,
  ctx: CliContext,
): Promise<AnyPreTrainedModel> {
  const studentVocab = source.config.vocab_size;
  if (studentVocab !== undefined && studentVocab < vocabSize)
    throw modelError(
      `the student's vocab_size is ${studentVocab} but the teacher's tokenizer has ${vocabSize} tokens: teacher and student must share a vocabulary`,
      'tokenizer_mismatch',
    );
  if (source.kind === 'dir') return loadModel(source.path, 'sequence-classification', ctx, { labels, seed });
  const id2label = Object.fromEntries(labels.map((name, i) => [String(i), name]));
  const label2id = Object.fromEntries(labels.map((name, i) => [name, i]));
  const { architectures: _a, ...config } = source.config;
  return freshModel({ ...config, id2label, label2id }, 'sequence-classification', seed, `--student ${source.path}`);
}
