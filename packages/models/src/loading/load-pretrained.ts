/**
 * `fromPretrained` for a known model class: config.json (with the caller's overrides), the
 * checkpoint's keys matched against the model's (match-keys.ts), every problem found before any
 * tensor is decoded (missing backbone tensors, wrong shapes, non-float weights: typed errors that
 * list them), then the tensors decoded one at a time into the parameters, new heads initialised
 * from `initializer_range` with a seeded generator, and the report kept on `model.loadingInfo`.
 * The model comes back in eval mode, as transformers returns it.
 */
import { decodeTensor, defaultGenerator, Generator, isSafetensorsFloat, noGrad, scope, tensor, type Tensor } from '@graft/core';
import type { PretrainedConfig } from '../config/pretrained-config';
import { CheckpointError, listSome } from '../errors';
import { asModelFiles, type ModelFiles, type ModelFilesLike, readJsonObject } from '../files/model-files';
import { castParameters } from '../modeling/cast-parameters';
import type { ModelClass, AnyPreTrainedModel } from '../modeling/pretrained-model';
import { type FromPretrainedOptions, formatLoadingInfo, type LoadingInfo } from './loading-info';
import { matchKeys } from './match-keys';
import { type CheckpointTensor, readCheckpoint } from './read-checkpoint';

/** The config of `cls` from config.json with the options' overrides applied. */
export function buildConfig<C extends PretrainedConfig>(cls: ModelClass, json: Record<string, unknown>, opts: FromPretrainedOptions, where: string): C {
  let config = new cls.configClass(json, where) as C;
  if (opts.config) config = config.with(opts.config);
  if (opts.id2label) config.setLabels(opts.id2label);
  else if (opts.numLabels !== undefined) config.num_labels = opts.numLabels;
  if (opts.problemType !== undefined) config = config.with({ problem_type: opts.problemType });
  return config;
}

/** Loads `cls` from `files` (see the file comment). */
export async function loadPretrained<M extends AnyPreTrainedModel>(
  cls: ModelClass<M>,
  filesLike: ModelFilesLike,
  opts: FromPretrainedOptions = {},
): Promise<M> {
  const files = asModelFiles(filesLike);
  const json = await readJsonObject(files, 'config.json', true);
  return loadPretrainedWithConfig(cls, files, json, opts);
}

/** {@link loadPretrained} once config.json has been read (the auto entry reads it to pick the class). */
export async function loadPretrainedWithConfig<M extends AnyPreTrainedModel>(
  cls: ModelClass<M>,
  files: ModelFiles,
  json: Record<string, unknown>,
  opts: FromPretrainedOptions,
): Promise<M> {
  const config = buildConfig(cls, json, opts, `${files.description}/config.json`);
  const checkpoint = await readCheckpoint(files);
  const model = new cls(config as never, { init: false });
  try {
    const info = loadCheckpoint(model, checkpoint, opts, files.description);
    model.loadingInfo = info;
    const report = formatLoadingInfo(info, model.architecture, files.description);
    if (report) opts.log?.(report);
    if (opts.device && opts.device !== 'cpu') model.to(opts.device);
    const dtype = opts.dtype === 'auto' ? autoDType(checkpoint) : (opts.dtype ?? 'float32');
    if (dtype !== 'float32') castParameters(model, dtype);
    return model.eval();
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** float16 when every stored float is F16, else float32. */
function autoDType(checkpoint: Map<string, CheckpointTensor>): 'float32' | 'float16' {
  const floats = [...checkpoint.values()].filter((t) => isSafetensorsFloat(t.dtype));
  return floats.length > 0 && floats.every((t) => t.dtype === 'F16') ? 'float16' : 'float32';
}

/** Validates, then copies the checkpoint into `model` and initialises what it lacked. */
function loadCheckpoint(model: AnyPreTrainedModel, checkpoint: Map<string, CheckpointTensor>, opts: FromPretrainedOptions, source: string): LoadingInfo {
  const sd = model.stateDict();
  const cls = model.constructor as unknown as ModelClass;
  const shapes = new Map(Object.entries(sd).map(([k, t]) => [k, t.shape] as const));
  const match = matchKeys({ shapes, tied: model.tiedWeights(), prefix: cls.baseModelPrefix, isBase: model.isBaseModel }, checkpoint);

  const required = match.missing.filter((k) => !model.isHeadKey(k));
  if (required.length) {
    throw new CheckpointError(
      'checkpoint_missing_tensors',
      `${source} lacks ${required.length} tensor(s) that ${model.architecture} needs (only heads and the pooler may be initialised fresh): ${listSome(required)}. ` +
        `Is this a ${model.config.model_type} checkpoint of the same size as its config.json says?`,
      required,
    );
  }
  if (match.mismatched.length && !opts.ignoreMismatchedSizes) {
    const lines = match.mismatched.map((m) => `  ${m.key}: expected [${m.expected.join(', ')}], found [${m.found.join(', ')}]`);
    throw new CheckpointError(
      'checkpoint_shape_mismatch',
      `${source}: ${match.mismatched.length} tensor(s) have other shapes than ${model.architecture} built from its config (nothing was loaded):\n${lines.join('\n')}\n` +
        'To start these layers fresh (a classifier with another number of labels, say), pass ignoreMismatchedSizes: true.',
      match.mismatched.map((m) => m.key),
      match.mismatched,
    );
  }
  const notFloat = [...match.matched].filter(([, t]) => !isSafetensorsFloat(t.dtype));
  if (notFloat.length) {
    throw new CheckpointError(
      'checkpoint_dtype',
      `${source}: weights must be stored as floats (F32, F16, BF16, F64); ${listSome(notFloat.map(([k, t]) => `${k} (${t.dtype})`))}`,
      notFloat.map(([k]) => k),
    );
  }

  noGrad(() => {
    for (const [key, raw] of match.matched) {
      const target = sd[key];
      scope(() => void target.assign(tensor(decodeTensor(raw, 'float32', { name: key }), { shape: raw.shape, dtype: 'float32' }) as Tensor));
    }
  });

  const fresh = [...match.missing, ...match.mismatched.map((m) => m.key)];
  if (fresh.length) model.initWeights(new Set(fresh), opts.generator ?? (opts.seed !== undefined ? new Generator(opts.seed) : defaultGenerator()));
  return { missing: match.missing, unexpected: match.unexpected, newlyInitialized: fresh, mismatched: match.mismatched };
}
