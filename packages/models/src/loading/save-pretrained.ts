/**
 * A model as the files transformers' `save_pretrained` writes: config.json (the model's config
 * with `architectures` and `dtype` set, unknown fields kept) and model.safetensors (the state dict
 * without tied aliases, `{"format": "pt"}` metadata, bytes as Python's safetensors writes them),
 * or shards and `model.safetensors.index.json` above `maxShardSize`. The synchronous form reads
 * parameters with `dataSync` (the CPU); the asynchronous one reads from any device.
 */
import { GraftError, planShards, safetensorsItemSize, type SafetensorsDType, serializeSafetensors, type Tensor, type TensorToWrite } from '@graft/core';
import type { AnyPreTrainedModel } from '../modeling/pretrained-model';

/** Options of `toPretrainedFiles`. */
export interface SaveOptions {
  /** Split the weights into shards of at most this size (`'5GB'`, transformers' default, or bytes). */
  maxShardSize?: number | string;
}

const STORED: Partial<Record<string, SafetensorsDType>> = { float32: 'F32', float16: 'F16', float64: 'F64' };

/** The tensors to save (tied aliases left out) and the config.json text. */
function prepare(model: AnyPreTrainedModel): { tensors: [string, Tensor][]; configJson: string } {
  const aliases = new Set(Object.keys(model.tiedWeights()));
  const tensors = Object.entries(model.stateDict()).filter(([k]) => !aliases.has(k));
  const dtype = tensors[0]?.[1].dtype ?? 'float32';
  const config = model.config.with({ architectures: [model.architecture], dtype });
  if (config.extra('torch_dtype') !== undefined) config.setExtra('torch_dtype', dtype);
  return { tensors, configJson: config.toJSONString() };
}

/** The files, given each tensor's values. */
function assemble(tensors: [string, Tensor][], values: ArrayLike<number>[], configJson: string, opts: SaveOptions): Map<string, Uint8Array> {
  const list: TensorToWrite[] = tensors.map(([name, t], i) => {
    const dtype = STORED[t.dtype];
    if (!dtype) throw new GraftError('save_dtype', `cannot save parameter '${name}' of dtype ${t.dtype}; cast the model to float32`);
    return { name, dtype, shape: t.shape, data: values[i] as Float32Array };
  });
  const files = new Map<string, Uint8Array>([['config.json', new TextEncoder().encode(configJson)]]);
  const metadata = { format: 'pt' };
  const plan = planShards(list, opts.maxShardSize ?? '5GB');
  const byName = new Map(list.map((t) => [t.name, t]));
  for (const shard of plan.shards)
    files.set(
      shard.file,
      serializeSafetensors(
        shard.names.map((n) => byName.get(n)!),
        metadata,
      ),
    );
  if (plan.indexFile && plan.indexJson) files.set(plan.indexFile, new TextEncoder().encode(plan.indexJson));
  return files;
}

/** `model.toPretrainedFiles()`: reads parameters synchronously (the model must be on a device that allows it, the CPU). */
export function pretrainedFiles(model: AnyPreTrainedModel, opts: SaveOptions = {}): Map<string, Uint8Array> {
  const { tensors, configJson } = prepare(model);
  const values = tensors.map(([name, t]) => {
    try {
      return t.dataSync();
    } catch (e) {
      throw new GraftError(
        'sync_read_unsupported',
        `toPretrainedFiles() reads parameters synchronously, which device '${t.device}' cannot ('${name}'): use await model.toPretrainedFilesAsync()`,
        { cause: e },
      );
    }
  });
  return assemble(tensors, values, configJson, opts);
}

/** `model.toPretrainedFilesAsync()`: the same files, read from any device. */
export async function pretrainedFilesAsync(model: AnyPreTrainedModel, opts: SaveOptions = {}): Promise<Map<string, Uint8Array>> {
  const { tensors, configJson } = prepare(model);
  const values: ArrayLike<number>[] = [];
  for (const [, t] of tensors) values.push(await t.data());
  return assemble(tensors, values, configJson, opts);
}

/** The bytes the weights take when stored (for reports). */
export function storedBytes(model: AnyPreTrainedModel): number {
  const aliases = new Set(Object.keys(model.tiedWeights()));
  return Object.entries(model.stateDict())
    .filter(([k]) => !aliases.has(k))
    .reduce((n, [, t]) => n + t.size * safetensorsItemSize(STORED[t.dtype] ?? 'F32'), 0);
}
