/**
 * Memory scopes. Every tensor an op creates joins the innermost open scope; when the scope closes,
 * it disposes everything created inside except what the function returned or `keep()` marked.
 * Tensors created outside any scope live until `dispose()` (or `using`).
 */
import { GraftError, type OutOfMemoryError } from './errors';
import { buildOutOfMemoryError, noteAlive, noteCollected } from './memory-debug';
import { storageUsage } from './storage';

/** What scopes need to know of a tensor, kept minimal to avoid an import cycle with Tensor. */
export interface Scoped {
  /** Releases it; scopes call this on exit. */
  dispose(): void;
  /** @internal the scope that owns it, if any */
  _scope: Scope | null;
}

export class Scope {
  readonly tensors = new Set<Scoped>();
  constructor(readonly name: string | undefined) {}
}

const stack: Scope[] = [];
let liveTensors = 0;

/** @internal called by the Tensor constructor; `site` is where it was created, when allocation debugging is on */
export function trackTensor(t: Scoped, site?: string): void {
  liveTensors++;
  noteAlive(site, 1);
  const top = stack[stack.length - 1];
  if (top) {
    top.tensors.add(t);
    t._scope = top;
  }
}

/** @internal called when a tensor is disposed */
export function untrackTensor(t: Scoped, site?: string): void {
  liveTensors--;
  noteAlive(site, -1);
  t._scope?.tensors.delete(t);
  t._scope = null;
}

/** Takes a tensor out of every scope: it lives until disposed explicitly. Returns it. */
export function keep<T extends Scoped>(t: T): T {
  t._scope?.tensors.delete(t);
  t._scope = null;
  return t;
}

/** @internal hands an unscoped tensor to the innermost scope (the reverse of keep) */
export function adopt<T extends Scoped>(t: T): T {
  const top = stack[stack.length - 1];
  if (top && !t._scope) {
    top.tensors.add(t);
    t._scope = top;
  }
  return t;
}

/** Collects the tensors reachable from a returned value (arrays, plain objects, Maps). */
function collect(value: unknown, out: Set<Scoped>, seen = new Set<unknown>()): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if ('_scope' in value && typeof (value as Scoped).dispose === 'function') {
    out.add(value as Scoped);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collect(v, out, seen);
  else if (value instanceof Map) for (const v of value.values()) collect(v, out, seen);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collect(v, out, seen);
}

function open(name?: string): Scope {
  const s = new Scope(name);
  stack.push(s);
  return s;
}

function close(s: Scope, result: unknown): void {
  const at = stack.lastIndexOf(s);
  if (at !== stack.length - 1) {
    // Another scope opened after this one is still open: concurrent scopeAsync calls. Release
    // this scope's tensors so nothing leaks, keep the stack consistent, and say what happened.
    if (at >= 0) stack.splice(at, 1);
    for (const t of s.tensors) {
      t._scope = null;
      t.dispose();
    }
    s.tensors.clear();
    throw new GraftError(
      'scope_interleaved',
      `scope ${s.name ?? '(anonymous)'} closed while a later scope was still open: scopeAsync calls must not run concurrently`,
    );
  }
  stack.pop();
  const returned = new Set<Scoped>();
  collect(result, returned);
  const parent = stack[stack.length - 1] ?? null;
  for (const t of s.tensors) {
    if (returned.has(t)) {
      t._scope = parent;
      parent?.tensors.add(t);
    } else {
      t._scope = null; // so dispose() does not mutate the set we iterate
      t.dispose();
    }
  }
  s.tensors.clear();
}

/**
 * Runs `fn` and disposes every tensor it created, except those in its result (and kept ones).
 * @example const loss = scope(() => crossEntropy(model.forward(x), y));
 */
export function scope<T>(fn: () => T, name?: string): T {
  const s = open(name);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    close(s, undefined);
    throw e;
  }
  if (result instanceof Promise) {
    close(s, undefined);
    throw new GraftError('scope_async', 'scope() got a function that returned a Promise; use `await scopeAsync(fn)`');
  }
  close(s, result);
  return result;
}

/** The async form of `scope`. Scopes nest like a stack, so concurrent scopeAsync calls are an error. */
export async function scopeAsync<T>(fn: () => Promise<T>, name?: string): Promise<T> {
  const s = open(name);
  let result: T;
  try {
    result = await fn();
  } catch (e) {
    if (stack.includes(s)) close(s, undefined);
    throw e;
  }
  close(s, result);
  return result;
}

/** Depth of the scope stack (0 outside any scope). */
export function scopeDepth(): number {
  return stack.length;
}

/** What `memory()` reports: live tensors, and live buffers and bytes per device. */
export interface MemoryInfo {
  /** Live Tensor objects (views and saved copies included). */
  tensors: number;
  /** Live buffers and bytes per device. */
  devices: Record<string, { buffers: number; bytes: number }>;
}

/** Live tensors, and buffers and bytes per device. */
export function memory(): MemoryInfo {
  return { tensors: liveTensors, devices: storageUsage() };
}

/**
 * @internal a tensor was garbage-collected without dispose() and the safety net released it,
 * freeing `bytes` of storage (0 when a view or another tensor still holds the storage)
 */
export function countCollected(bytes: number, site?: string): void {
  liveTensors--;
  noteAlive(site, -1);
  noteCollected(bytes, site);
}

/** @internal counts a tensor that belongs to no scope (saved copies in the autograd graph) */
export function trackTensorUnscoped(site?: string): void {
  liveTensors++;
  noteAlive(site, 1);
}

/** @internal the error for a `device` without room for `requested` more bytes, with the live tensors and the fix */
export function outOfMemory(device: string, requested: number, what: string): OutOfMemoryError {
  return buildOutOfMemoryError(device, requested, what, memory());
}
