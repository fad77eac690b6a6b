/**
 * The freezing strategies by name, as the CLI's `--method` spells them: `full` (every parameter
 * trains), `head` (only the heads outside the base model), `freeze:N` (the embeddings and the
 * lower N encoder layers frozen, the rest trains) and `gradual` (ULMFiT's gradual unfreezing:
 * the head first, then one more layer from the top every K steps or every epoch).
 */
import { FreezingError } from './errors';

/** When gradual unfreezing unfreezes the next layer: every this many optimizer steps, or at each epoch's start. */
export type UnfreezeEvery = number | 'epoch';

/** A freezing strategy. */
export type FreezingMethod =
  | { readonly kind: 'full' }
  | { readonly kind: 'head' }
  | { readonly kind: 'freeze'; readonly layers: number }
  | { readonly kind: 'gradual'; readonly every: UnfreezeEvery };

/** The names {@link parseFreezingMethod} reads (`freeze:N` with N a whole number). */
export const FREEZING_METHOD_NAMES = ['full', 'head', 'freeze:N', 'gradual'] as const;

/** The strategy's name as {@link parseFreezingMethod} reads it (`freeze:2`). */
export function freezingMethodName(method: FreezingMethod): string {
  return method.kind === 'freeze' ? `freeze:${method.layers}` : method.kind;
}

/** Checks `every` is a positive whole number of steps or `'epoch'`. */
export function checkUnfreezeEvery(every: unknown): UnfreezeEvery {
  if (every === 'epoch' || (typeof every === 'number' && Number.isInteger(every) && every >= 1)) return every;
  throw new FreezingError('freezing_config', `gradual unfreezing: every must be a whole number of steps (1 or more) or 'epoch', got ${JSON.stringify(every)}`);
}

/**
 * Reads a strategy's name: `full`, `head`, `freeze:N` or `gradual` (which unfreezes at
 * `unfreezeEvery`, default each epoch as in ULMFiT). Anything else is a `freezing_config` error
 * listing the names.
 */
export function parseFreezingMethod(name: string, opts: { unfreezeEvery?: UnfreezeEvery } = {}): FreezingMethod {
  if (name === 'full' || name === 'head') return { kind: name };
  if (name === 'gradual') return { kind: 'gradual', every: checkUnfreezeEvery(opts.unfreezeEvery ?? 'epoch') };
  const m = /^freeze:(.*)$/.exec(name);
  if (m) {
    const layers = Number(m[1]);
    if (m[1].trim() === '' || !Number.isInteger(layers) || layers < 0)
      throw new FreezingError('freezing_config', `freeze:N needs N, the number of lower encoder layers to freeze (0 or more), got '${name}'`);
    return { kind: 'freeze', layers };
  }
  throw new FreezingError('freezing_config', `unknown freezing strategy '${name}'; the strategies are ${FREEZING_METHOD_NAMES.join(', ')}`);
}

/** Checks a strategy given as an object (as {@link parseFreezingMethod} checks a name) and returns it. */
export function checkFreezingMethod(method: FreezingMethod): FreezingMethod {
  const kind = (method as { kind?: unknown } | null)?.kind;
  if (kind === 'full' || kind === 'head') return method;
  if (kind === 'gradual') {
    checkUnfreezeEvery((method as { every?: unknown }).every);
    return method;
  }
  if (kind === 'freeze') {
    const layers = (method as { layers?: unknown }).layers;
    if (typeof layers === 'number' && Number.isInteger(layers) && layers >= 0) return method;
    throw new FreezingError('freezing_config', `freeze needs layers, the number of lower encoder layers to freeze (0 or more), got ${JSON.stringify(layers)}`);
  }
  throw new FreezingError(
    'freezing_config',
    `unknown freezing strategy ${JSON.stringify(kind)}; the kinds are full, head, freeze (with layers) and gradual (with every)`,
  );
}
