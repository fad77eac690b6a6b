/**
 * Node-only helpers of @graft/core (`@graft/core/node`): reading and writing safetensors files,
 * written atomically (temporary file, then rename) so a failed write leaves nothing behind.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './io/safetensors-file';
import { loadSafetensors, type LoadedSafetensors, type LoadSafetensorsOptions, saveSafetensors, type SaveSafetensorsOptions } from './safetensors';
import type { Tensor } from './tensor';

export { readSafetensorsFile, readSafetensorsHeaderFile, writeFileAtomic, writeSafetensorsFile, type AtomicWriteSource } from './io/safetensors-file';

/** Loads a `.safetensors` file into tensors. */
export async function loadSafetensorsFile(path: string, opts?: LoadSafetensorsOptions): Promise<LoadedSafetensors> {
  return loadSafetensors(new Uint8Array(await readFile(path)), opts);
}

/** Saves tensors to a `.safetensors` file, atomically. */
export async function saveSafetensorsFile(path: string, tensors: Map<string, Tensor> | Record<string, Tensor>, opts?: SaveSafetensorsOptions): Promise<void> {
  await writeFileAtomic(path, await saveSafetensors(tensors, opts));
}
