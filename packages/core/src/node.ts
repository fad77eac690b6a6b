/**
 * Node-only helpers of @graft/core (`@graft/core/node`): reading and writing safetensors files,
 * and `writeFileAtomic`, the atomic writer (temporary file, then rename; stale temporaries of
 * killed writers removed; typed `FileWriteError`s) that every package saving files shares.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './io/write-file-atomic';
import { loadSafetensors, type LoadedSafetensors, type LoadSafetensorsOptions, saveSafetensors, type SaveSafetensorsOptions } from './safetensors';
import type { Tensor } from './tensor';

export { readSafetensorsFile, readSafetensorsHeaderFile, writeSafetensorsFile, type ReadFileOptions } from './io/safetensors-file';
export { type AtomicWriteSource, FileWriteError, type FileWriteErrorCode, writeFileAtomic } from './io/write-file-atomic';

/** Loads a `.safetensors` file into tensors. */
export async function loadSafetensorsFile(path: string, opts?: LoadSafetensorsOptions): Promise<LoadedSafetensors> {
  return loadSafetensors(new Uint8Array(await readFile(path)), opts);
}

/** Saves tensors to a `.safetensors` file, atomically. */
export async function saveSafetensorsFile(path: string, tensors: Map<string, Tensor> | Record<string, Tensor>, opts?: SaveSafetensorsOptions): Promise<void> {
  await writeFileAtomic(path, await saveSafetensors(tensors, opts));
}
