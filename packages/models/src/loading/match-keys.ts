/**
 * Matching a checkpoint's keys to a model's, as transformers does: a base checkpoint (keys
 * `embeddings.…`) loads into a task model (keys `bert.embeddings.…`) and a task checkpoint into a
 * base model (its head keys are then unused); tied aliases (`cls.predictions.decoder.weight`) need
 * not be stored and are ignored when they are; TensorFlow-era names (`LayerNorm.gamma`/`beta`) are
 * renamed; the `position_ids` buffer older transformers saved is dropped.
 */
import { shapesEqual } from '@graft/core';
import type { TensorShapeMismatch } from '../errors';

/** What the matcher needs to know about the model. */
export interface ModelKeys {
  /** Every state-dict key with its shape (aliases included). */
  shapes: Map<string, readonly number[]>;
  /** Tied aliases: alias key → source key. */
  tied: Record<string, string>;
  /** The base model's prefix (`bert`) and whether the model is the base model itself. */
  prefix: string;
  isBase: boolean;
}

/** The outcome of matching. */
export interface KeyMatch<T> {
  /** Model key → the checkpoint entry that fills it (shapes equal). */
  matched: Map<string, T>;
  /** Model keys (aliases excluded) the checkpoint does not fill. */
  missing: string[];
  /** Checkpoint keys (as stored) the model does not use. */
  unexpected: string[];
  /** Keys present in both with different shapes. */
  mismatched: TensorShapeMismatch[];
}

/** A stored key with legacy names fixed, or null for keys that are never weights. */
export function normalizeKey(key: string): string | null {
  if (/(^|\.)embeddings\.position_ids$/.test(key)) return null;
  return key.replace(/(^|\.)(LayerNorm|layer_norm)\.gamma$/, '$1$2.weight').replace(/(^|\.)(LayerNorm|layer_norm)\.beta$/, '$1$2.bias');
}

/** Matches checkpoint entries (by stored key, each with a shape) against the model's keys. */
export function matchKeys<T extends { shape: readonly number[] }>(model: ModelKeys, checkpoint: Map<string, T>): KeyMatch<T> {
  const stored = new Map<string, { original: string; entry: T }>();
  for (const [k, entry] of checkpoint) {
    const key = normalizeKey(k);
    if (key !== null) stored.set(key, { original: k, entry });
  }
  const p = `${model.prefix}.`;
  const hasPrefix = [...stored.keys()].some((k) => k.startsWith(p));
  const rename = (k: string): string => {
    if (!model.isBase && !hasPrefix) return p + k;
    if (model.isBase && hasPrefix && k.startsWith(p)) return k.slice(p.length);
    return k;
  };
  const incoming = new Map<string, { original: string; entry: T }>();
  for (const [k, v] of stored) incoming.set(rename(k), v);
  // an alias in the checkpoint is the same tensor as its source: use it only if the source is absent
  for (const [alias, source] of Object.entries(model.tied)) {
    const v = incoming.get(alias);
    if (!v) continue;
    if (!incoming.has(source)) incoming.set(source, v);
    incoming.delete(alias);
  }
  const matched = new Map<string, T>();
  const mismatched: TensorShapeMismatch[] = [];
  for (const [key, shape] of model.shapes) {
    const entry = incoming.get(key)?.entry;
    if (!entry) continue;
    if (shapesEqual(shape, entry.shape)) matched.set(key, entry);
    else mismatched.push({ key, expected: [...shape], found: [...entry.shape] });
  }
  const unexpected = [...incoming].filter(([key]) => !model.shapes.has(key)).map(([, { original }]) => original);
  const aliases = new Set(Object.keys(model.tied));
  const missing = [...model.shapes.keys()].filter((k) => !aliases.has(k) && !incoming.has(k));
  return { matched, missing, unexpected, mismatched };
}
