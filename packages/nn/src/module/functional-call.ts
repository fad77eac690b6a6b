/**
 * Running a module with some of its parameters or buffers replaced by other tensors, the way
 * `torch.func.functional_call` does: for gradient checks, meta-learning and weight averaging
 * without touching the module's own state.
 */
import type { Tensor } from '@graft/core';
import { ModulePathError } from '../errors';
import { type AnyModule, Module } from './module';
import { isParameter } from './parameter';

/**
 * Calls `fn` while the tensors at the given dotted paths are swapped for `overrides`' values,
 * then restores the originals (also when `fn` throws).
 * @example functionalCall(model, { 'fc.weight': w }, () => model.call(x))
 */
export function functionalCall<T>(module: AnyModule, overrides: Record<string, Tensor> | Map<string, Tensor>, fn: () => T): T {
  const buffers = new Set(Object.keys(module.stateDict()).concat([...module.namedBuffers()].map(([k]) => k)));
  const restore: [Record<string, unknown>, string, unknown][] = [];
  try {
    for (const [path, t] of overrides instanceof Map ? overrides : Object.entries(overrides)) {
      const cut = path.lastIndexOf('.');
      const owner = module.getSubmodule(cut < 0 ? '' : path.slice(0, cut));
      const key = path.slice(cut + 1);
      const holder = owner as unknown as Record<string, unknown>;
      if (!(owner instanceof Module) || !Object.hasOwn(holder, key) || !(isParameter(holder[key]) || buffers.has(path))) {
        throw new ModulePathError(`functionalCall: no parameter or buffer at '${path}'`);
      }
      restore.push([holder, key, holder[key]]);
      holder[key] = t;
    }
    return fn();
  } finally {
    for (const [holder, key, old] of restore.reverse()) holder[key] = old;
  }
}
