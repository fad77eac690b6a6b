/**
 * Errors that name the layer they came from. A shape error deep inside a model names a primitive
 * (`matmul: shapes [2, 64] and [128, 128] …`); `Module.call` runs each forward through
 * `runInLayer`, which prefixes a GraftError with the innermost module that was running, its
 * dotted path in the model and its configuration:
 * `in Linear 'encoder.layer.0.attention.self.query' (inFeatures=128, outFeatures=128, bias=true): matmul: …`.
 *
 * The error object itself is kept (same class, `code`, stack frames and identity; only the
 * message grows), so `catch (e) { if (e instanceof ShapeError) … }` and `e.code` keep working;
 * a wrapping error would have changed the class callers test. The innermost module names itself
 * and the enclosing ones pass the error on unchanged, so the context appears once.
 */
import { GraftError } from '@graft/core';
import type { AnyModule } from './module';

/** The modules whose `call` is running, outermost first (calls are synchronous, so one stack serves). */
const running: AnyModule[] = [];
/** Errors that already carry their layer's context. */
const named = new WeakSet<Error>();

/**
 * The dotted path of the innermost running module, read step by step along the chain of running
 * calls (so a module shared by two parents gets its path under the one that called it). It is
 * relative to the outermost module the chain leads back to: a module called from one that does
 * not contain it (a teacher inside a student's forward) starts a path of its own.
 */
function pathOfInnermost(chain: readonly AnyModule[]): string {
  const parts: string[] = [];
  for (let i = chain.length - 1; i > 0; i--) {
    let rel: string | null = null;
    for (const [path, m] of chain[i - 1].namedModules()) {
      if (m === chain[i]) {
        rel = path;
        break;
      }
    }
    if (rel === null) break;
    if (rel) parts.unshift(rel);
  }
  return parts.join('.');
}

/** Prefixes `e`'s message with the innermost running module (once per error). */
function nameLayer(e: GraftError, chain: readonly AnyModule[]): void {
  if (named.has(e)) return;
  named.add(e);
  const m = chain[chain.length - 1];
  const type = m.constructor.name;
  const path = pathOfInnermost(chain);
  const config = m.extraRepr();
  const before = e.message;
  // a layer's own checks start with its name ("Linear: …"): the richer prefix replaces it
  const own = before.startsWith(`${type}: `) ? before.slice(type.length + 2) : before;
  e.message = `in ${type}${path ? ` '${path}'` : ''}${config ? ` (${config})` : ''}: ${own}`;
  // V8 formats `stack` from the message on first read only; if something read it already, its
  // first line still holds the old message (uncaught errors print the stack, not the message)
  const head = `${e.name}: ${before}`;
  if (typeof e.stack === 'string' && e.stack.startsWith(head)) e.stack = `${e.name}: ${e.message}${e.stack.slice(head.length)}`;
}

/** Runs `fn` (a module's hooks and forward) as `module`'s call, naming it in any GraftError thrown. */
export function runInLayer<T>(module: AnyModule, fn: () => T): T {
  running.push(module);
  try {
    return fn();
  } catch (e) {
    if (e instanceof GraftError) nameLayer(e, running);
    throw e;
  } finally {
    running.pop();
  }
}
