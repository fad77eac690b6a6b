/**
 * State dicts: a module's parameters and persistent buffers by dotted key, and the strict,
 * all-or-nothing loading of one. Loading validates every key and shape before it touches a
 * single tensor, so a failed load leaves the module as it was.
 */
import { noGrad, scope, shapesEqual, type Tensor } from '@graft/core';
import { StateDictKeyError, StateDictShapeError, type ShapeMismatch } from '../errors';
import { onDeviceOf, onDeviceOfAsync } from './device';
import type { AnyModule } from './module';

/** A state dict as a plain object or as the Map that `loadSafetensors` returns. */
export type StateDictLike = Record<string, Tensor> | Map<string, Tensor>;

/** Options of `loadStateDict`. */
export interface LoadStateDictOptions {
  /** Throw on missing or unexpected keys (default true, as in PyTorch). */
  strict?: boolean;
  /** Renames incoming keys (null drops one): the escape hatch for checkpoints whose names differ. */
  mapKey?: (key: string) => string | null;
}

/** Keys the module has that the state dict lacked, and keys the state dict had that the module lacks. */
export interface LoadStateDictResult {
  missing: string[];
  unexpected: string[];
}

/**
 * Every (key, tensor) of a state dict, walking every path: a submodule reachable by two paths
 * appears under both, as in PyTorch. Ancestors are tracked so a cycle cannot recurse forever.
 */
function* stateEntries(m: AnyModule, prefix: string, ancestors: Set<AnyModule>): Generator<[string, Tensor]> {
  if (ancestors.has(m)) return;
  ancestors.add(m);
  for (const [name, p] of m.namedOwnParameters()) yield [prefix + name, p];
  for (const [name, t, persistent] of m.namedOwnBuffers()) if (persistent) yield [prefix + name, t];
  for (const [name, child] of m.namedChildren()) yield* stateEntries(child, `${prefix}${name}.`, ancestors);
  ancestors.delete(m);
}

/** The state dict of `m` with keys prefixed by `prefix` (a dot is added when missing). */
export function stateDictOf(m: AnyModule, prefix: string): Record<string, Tensor> {
  const p = prefix && !prefix.endsWith('.') ? `${prefix}.` : prefix;
  return Object.fromEntries(stateEntries(m, p, new Set()));
}

/** Implements `Module.loadStateDict`. */
export function loadStateDictInto(m: AnyModule, sd: StateDictLike, opts: LoadStateDictOptions = {}): LoadStateDictResult {
  const { strict = true, mapKey } = opts;
  const targets = new Map(stateEntries(m, '', new Set()));
  const incoming = new Map<string, Tensor>();
  for (const [k, t] of sd instanceof Map ? sd : Object.entries(sd)) {
    const key = mapKey ? mapKey(k) : k;
    if (key !== null) incoming.set(key, t);
  }
  const missing = [...targets.keys()].filter((k) => !incoming.has(k));
  const unexpected = [...incoming.keys()].filter((k) => !targets.has(k));
  const mismatches: ShapeMismatch[] = [];
  for (const [key, target] of targets) {
    const src = incoming.get(key);
    if (src && !shapesEqual(src.shape, target.shape)) {
      mismatches.push({ key, expected: [...target.shape], got: [...src.shape] });
    }
  }
  if (mismatches.length) throw new StateDictShapeError(mismatches);
  if (strict && (missing.length || unexpected.length)) throw new StateDictKeyError(missing, unexpected);
  scope(() =>
    noGrad(() => {
      // every device move first (a GPU tensor cannot move synchronously and throws here),
      // so a failed load still leaves the module untouched
      const sources: [Tensor, Tensor][] = [];
      for (const [key, target] of targets) {
        const src = incoming.get(key);
        if (src && src !== target) sources.push([target, onDeviceOf(src, target)]);
      }
      for (const [target, src] of sources) target.assign(src);
    }),
  );
  return { missing, unexpected };
}

/**
 * Implements `Module.loadStateDictAsync`: moves each incoming tensor whose target lives on
 * another device with `toAsync` (GPU → CPU included), then loads as `loadStateDictInto`.
 */
export async function loadStateDictIntoAsync(m: AnyModule, sd: StateDictLike, opts: LoadStateDictOptions = {}): Promise<LoadStateDictResult> {
  const targets = new Map(stateEntries(m, '', new Set()));
  const moved = new Map<string, Tensor>();
  const copies: Tensor[] = [];
  try {
    for (const [k, t] of sd instanceof Map ? sd : Object.entries(sd)) {
      const key = opts.mapKey ? opts.mapKey(k) : k;
      const target = key === null ? undefined : targets.get(key);
      const src = target ? await onDeviceOfAsync(t, target) : t;
      if (src !== t) copies.push(src);
      moved.set(k, src);
    }
    return loadStateDictInto(m, moved, opts);
  } finally {
    for (const c of copies) c.dispose();
  }
}
