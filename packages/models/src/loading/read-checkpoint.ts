/**
 * Reading a checkpoint's tensors: `model.safetensors`, or a sharded `model.safetensors.index.json`
 * and the shards it names. Only headers are interpreted here (names, dtypes, shapes, byte views
 * into the files); decoding happens after every key and shape has been checked, so a checkpoint
 * that does not fit fails before any tensor is made. Malformed files fail with a `ModelFileError`
 * naming the file (the safetensors error is its `cause`).
 */
import { parseSafetensors, parseShardIndex, type RawTensor, SafetensorsError } from '@graft/core';
import { ModelFileError } from '../errors';
import { type ModelFiles, parseJsonFile, readRequired } from '../files/model-files';

/** The single-file weights name. */
export const WEIGHTS_NAME = 'model.safetensors';
/** The shard index name. */
export const WEIGHTS_INDEX_NAME = 'model.safetensors.index.json';

/** A stored tensor and the file it came from. */
export interface CheckpointTensor extends RawTensor {
  file: string;
}

/** Parses one safetensors file, naming it on failure. */
function parseFile(bytes: Uint8Array, file: string, files: ModelFiles): Map<string, RawTensor> {
  try {
    return parseSafetensors(bytes).tensors;
  } catch (e) {
    if (e instanceof SafetensorsError) {
      throw new ModelFileError('model_file_invalid', file, `${files.description}/${file} is not a valid safetensors file: ${e.message}`, { cause: e });
    }
    throw e;
  }
}

/** Every tensor of the checkpoint in `files`, by its stored key. */
export async function readCheckpoint(files: ModelFiles): Promise<Map<string, CheckpointTensor>> {
  const out = new Map<string, CheckpointTensor>();
  const single = await files.read(WEIGHTS_NAME);
  if (single) {
    for (const [k, raw] of parseFile(single, WEIGHTS_NAME, files)) out.set(k, { ...raw, file: WEIGHTS_NAME });
    return out;
  }
  const indexBytes = await files.read(WEIGHTS_INDEX_NAME);
  if (!indexBytes) {
    throw new ModelFileError(
      'model_file_missing',
      WEIGHTS_NAME,
      `no ${WEIGHTS_NAME} or ${WEIGHTS_INDEX_NAME} in ${files.description}: Graft reads safetensors checkpoints ` +
        "(convert a pytorch_model.bin with transformers' save_pretrained, which writes safetensors)",
    );
  }
  let index: ReturnType<typeof parseShardIndex>;
  try {
    index = parseShardIndex(parseJsonFile(indexBytes, WEIGHTS_INDEX_NAME, files));
  } catch (e) {
    if (e instanceof SafetensorsError)
      throw new ModelFileError('model_file_invalid', WEIGHTS_INDEX_NAME, `${files.description}/${WEIGHTS_INDEX_NAME}: ${e.message}`, { cause: e });
    throw e;
  }
  for (const shard of index.files) {
    const tensors = parseFile(await readRequired(files, shard, `${WEIGHTS_INDEX_NAME} names it`), shard, files);
    for (const [name, file] of index.weightMap) {
      if (file !== shard) continue;
      const raw = tensors.get(name);
      if (!raw) {
        throw new ModelFileError(
          'model_file_invalid',
          shard,
          `${WEIGHTS_INDEX_NAME} puts tensor '${name}' in ${shard}, but ${files.description}/${shard} does not hold it`,
        );
      }
      out.set(name, { ...raw, file: shard });
    }
  }
  return out;
}
