/**
 * What a checkpoint directory holds, and how a run is restored from one:
 * - the model (`config.json` + `model.safetensors` from `model.toPretrainedFiles()` when the
 *   model has it, else `model.safetensors` of its state dict) and the tokenizer files if given;
 * - `optimizer.safetensors` (the moments, bit-exact) + `optimizer.json` (step counts, groups);
 * - `scheduler.json`, `rng_state.json` (the global generator's seed and offset), `data_state.json`
 *   (the loader's epoch, batch and seed), `training_args.json` and `trainer_state.json` (HF shape).
 * Restoring reads and parses every file before the first tensor changes; a restore that fails
 * throws before training starts.
 */
import { defaultGenerator, type GeneratorState, loadSafetensors, parseShardIndex, saveSafetensors, type Tensor } from '@graft/core';
import { type LrScheduler, type LrSchedulerState, type Optimizer, type OptimizerStateDict, StateDictShapeError } from '@graft/nn';
import type { TrainingArguments } from '../args/training-args';
import { trainingArgumentsFromJson, trainingArgumentsToJson } from '../args/training-args-json';
import { CheckpointError } from '../errors';
import { type TrainerState, trainerStateFromJson, trainerStateToJson } from '../state/trainer-state';
import type { LoaderState } from '@graft/data';
import type { TrainableModel } from '../trainer/model';
import type { CheckpointStore } from './store';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const json = (v: unknown) => encoder.encode(`${JSON.stringify(v, null, 2)}\n`);

/** The model's files: `toPretrainedFilesAsync()`/`toPretrainedFiles()` (HF layout) when it has one, else its state dict as `model.safetensors`. */
export async function modelFiles(model: TrainableModel<unknown>, tokenizerFiles?: ReadonlyMap<string, Uint8Array>): Promise<Map<string, Uint8Array>> {
  const own = model.toPretrainedFilesAsync ? await model.toPretrainedFilesAsync() : model.toPretrainedFiles ? await model.toPretrainedFiles() : null;
  const files = own ? new Map(own) : new Map([['model.safetensors', await saveSafetensors(model.stateDict(), { metadata: { format: 'pt' } })]]);
  for (const [name, bytes] of tokenizerFiles ?? []) files.set(name, bytes);
  return files;
}

/** Where the data is (`data_state.json`): the loader's position, and whether the epoch's end was handled already. */
export interface DataState {
  loader: LoaderState;
  epochEndDone: boolean;
}

/** Everything a checkpoint saves. */
export interface CheckpointParts {
  model: TrainableModel<unknown>;
  optimizer: Optimizer<{ lr: number }>;
  scheduler: LrScheduler;
  dataState: DataState;
  args: TrainingArguments;
  state: TrainerState;
  tokenizerFiles?: ReadonlyMap<string, Uint8Array>;
}

/** The files of a checkpoint. */
export async function checkpointFiles(p: CheckpointParts): Promise<Map<string, Uint8Array>> {
  const files = await modelFiles(p.model, p.tokenizerFiles);
  const sd = p.optimizer.stateDict();
  files.set('optimizer.safetensors', await saveSafetensors(sd.tensors));
  files.set('optimizer.json', json({ optimizer: p.optimizer.constructor.name, state: sd.state, param_groups: sd.paramGroups }));
  files.set('scheduler.json', json(p.scheduler.stateDict()));
  files.set('rng_state.json', json({ generator: defaultGenerator().getState(), data_seed: p.dataState.loader.seed }));
  files.set('data_state.json', json(p.dataState));
  files.set('training_args.json', encoder.encode(trainingArgumentsToJson(p.args)));
  files.set('trainer_state.json', encoder.encode(trainerStateToJson(p.state)));
  return files;
}

/** Reads one file of a checkpoint, failing with the file's name when it is missing. */
async function need(store: CheckpointStore, dir: string, name: string): Promise<Uint8Array> {
  const bytes = await store.read(dir, name);
  if (!bytes)
    throw new CheckpointError('checkpoint_invalid', `checkpoint '${dir}' has no ${name}; it was not written by the Trainer or is damaged`, { checkpoint: dir });
  return bytes;
}

function parseJson<T>(bytes: Uint8Array, dir: string, name: string): T {
  try {
    return JSON.parse(decoder.decode(bytes)) as T;
  } catch (e) {
    throw new CheckpointError('checkpoint_invalid', `${dir}/${name} is not valid JSON (${(e as Error).message})`, { checkpoint: dir, cause: e });
  }
}

/** The model tensors of a checkpoint (a single `model.safetensors` or a sharded index), on the CPU. */
export async function readModelTensors(store: CheckpointStore, dir: string): Promise<Map<string, Tensor>> {
  const single = await store.read(dir, 'model.safetensors');
  if (single) return decodeSafetensors(single, dir, 'model.safetensors');
  const indexBytes = await store.read(dir, 'model.safetensors.index.json');
  if (!indexBytes) throw new CheckpointError('checkpoint_invalid', `checkpoint '${dir}' has no model.safetensors (nor a sharded index)`, { checkpoint: dir });
  const index = parseShardIndex(decoder.decode(indexBytes));
  const out = new Map<string, Tensor>();
  try {
    for (const file of index.files) for (const [k, t] of decodeSafetensors(await need(store, dir, file), dir, file)) out.set(k, t);
  } catch (e) {
    for (const t of out.values()) t.dispose();
    throw e;
  }
  return out;
}

function decodeSafetensors(bytes: Uint8Array, dir: string, name: string): Map<string, Tensor> {
  try {
    return loadSafetensors(bytes, { device: 'cpu' }).tensors;
  } catch (e) {
    throw new CheckpointError('checkpoint_invalid', `${dir}/${name} cannot be read: ${(e as Error).message}`, { checkpoint: dir, cause: e });
  }
}

/**
 * Loads checkpoint weights into `model`, all or nothing. Keys the files leave out are accepted
 * only when they name a tensor that another, loaded key shares (tied weights, which HF files
 * store once); anything else missing, unexpected or of another shape is a `checkpoint_mismatch`.
 */
export async function loadModelWeights(model: TrainableModel<unknown>, tensors: Map<string, Tensor>, dir: string): Promise<void> {
  const own = model.stateDict();
  const incoming = new Set(tensors.keys());
  const loadedTensors = new Set([...incoming].filter((k) => k in own).map((k) => own[k]));
  const missing = Object.keys(own).filter((k) => !incoming.has(k) && !loadedTensors.has(own[k]));
  const unexpected = [...incoming].filter((k) => !(k in own));
  if (missing.length || unexpected.length) {
    const parts = [missing.length ? `missing ${missing.join(', ')}` : '', unexpected.length ? `unexpected ${unexpected.join(', ')}` : ''].filter(Boolean);
    throw new CheckpointError('checkpoint_mismatch', `checkpoint '${dir}' holds weights of another model (${parts.join('; ')})`, { checkpoint: dir });
  }
  try {
    await model.loadStateDictAsync(tensors, { strict: false });
  } catch (e) {
    if (e instanceof StateDictShapeError) throw new CheckpointError('checkpoint_mismatch', `checkpoint '${dir}': ${e.message}`, { checkpoint: dir, cause: e });
    throw e;
  }
}

/** What a restore hands back to the Trainer. */
export interface Restored {
  state: TrainerState;
  dataState: DataState;
}

/**
 * Restores model, optimizer, scheduler, the global generator and the training state from
 * checkpoint `dir`. The batch size and accumulation steps must match the checkpoint's, since
 * the data position and the step count mean nothing otherwise.
 */
export async function restoreCheckpoint(store: CheckpointStore, dir: string, p: Omit<CheckpointParts, 'state' | 'dataState'>): Promise<Restored> {
  const state = trainerStateFromJson(decoder.decode(await need(store, dir, 'trainer_state.json')), dir);
  const saved = trainingArgumentsFromJson(decoder.decode(await need(store, dir, 'training_args.json')));
  for (const key of ['perDeviceTrainBatchSize', 'gradientAccumulationSteps'] as const) {
    if (saved[key] !== p.args[key]) {
      throw new CheckpointError(
        'checkpoint_mismatch',
        `checkpoint '${dir}' was trained with ${key} ${saved[key]}, this run has ${p.args[key]}; use the same value to resume`,
        {
          checkpoint: dir,
        },
      );
    }
  }
  const optJson = parseJson<{ optimizer: string; state: OptimizerStateDict['state']; param_groups: OptimizerStateDict['paramGroups'] }>(
    await need(store, dir, 'optimizer.json'),
    dir,
    'optimizer.json',
  );
  if (optJson.optimizer !== p.optimizer.constructor.name) {
    throw new CheckpointError(
      'checkpoint_mismatch',
      `checkpoint '${dir}' holds ${optJson.optimizer} state, but this run uses ${p.optimizer.constructor.name}`,
      { checkpoint: dir },
    );
  }
  const schedulerState = parseJson<LrSchedulerState>(await need(store, dir, 'scheduler.json'), dir, 'scheduler.json');
  const rng = parseJson<{ generator: GeneratorState }>(await need(store, dir, 'rng_state.json'), dir, 'rng_state.json');
  const dataState = parseJson<DataState>(await need(store, dir, 'data_state.json'), dir, 'data_state.json');
  if (!dataState?.loader || !Number.isInteger(dataState.loader.epoch) || !Number.isInteger(dataState.loader.batchIndex)) {
    throw new CheckpointError('checkpoint_invalid', `${dir}/data_state.json does not hold a loader position`, { checkpoint: dir });
  }
  const optTensors = decodeSafetensors(await need(store, dir, 'optimizer.safetensors'), dir, 'optimizer.safetensors');
  const weights = await readModelTensors(store, dir);
  try {
    await loadModelWeights(p.model, weights, dir);
    await p.optimizer.loadStateDictAsync({ state: optJson.state, paramGroups: optJson.param_groups, tensors: optTensors });
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    throw new CheckpointError('checkpoint_mismatch', `checkpoint '${dir}' does not fit this model and optimizer: ${(e as Error).message}`, {
      checkpoint: dir,
      cause: e,
    });
  } finally {
    for (const t of [...weights.values(), ...optTensors.values()]) t.dispose();
  }
  p.scheduler.loadStateDict(schedulerState);
  defaultGenerator().setState(rng.generator);
  return { state, dataState };
}
