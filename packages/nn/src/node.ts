/**
 * Node-only helpers of @graft/nn (`@graft/nn/node`): a module's state dict to and from a
 * `.safetensors` file. Writes are atomic (temporary file, then rename), through @graft/core/node.
 */
import { loadSafetensorsFile, saveSafetensorsFile } from '@graft/core/node';
import type { AnyModule } from './module/module';
import type { LoadStateDictOptions, LoadStateDictResult } from './module/state-dict';

/** Writes `module.stateDict()` to a safetensors file that PyTorch's `load_file` reads. */
export async function saveStateDict(module: AnyModule, path: string, opts: { metadata?: Record<string, string> } = {}): Promise<void> {
  await saveSafetensorsFile(path, module.stateDict(), { metadata: { format: 'pt', ...opts.metadata } });
}

/** Loads a safetensors file into `module` (see `Module.loadStateDict` for strictness and errors). */
export async function loadStateDictFile(module: AnyModule, path: string, opts: LoadStateDictOptions = {}): Promise<LoadStateDictResult> {
  const { tensors } = await loadSafetensorsFile(path);
  try {
    return module.loadStateDict(tensors, opts);
  } finally {
    for (const t of tensors.values()) t.dispose();
  }
}
