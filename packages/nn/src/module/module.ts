/**
 * Module: a plain class whose Parameter, Module and array fields are discovered by reflection
 * over its own enumerable properties. Dotted field paths (`layers.0.self_attn.in_proj_weight`)
 * are the identity of every parameter: state-dict keys, optimizer groups and PEFT targets.
 * `#private` fields and getters are invisible to discovery by design (see the package README).
 */
import { GraftError, noGrad, type Tensor } from '@graft/core';
import { ModulePathError } from '../errors';
import { moveModule, moveModuleAsync } from './device';
import { runInLayer } from './layer-context';
import { isParameter, type Parameter } from './parameter';
import { loadStateDictInto, loadStateDictIntoAsync, stateDictOf, type LoadStateDictOptions, type LoadStateDictResult, type StateDictLike } from './state-dict';

/** A module of any signature. */
// biome-ignore lint/suspicious/noExplicitAny: a module of any signature (Module's type parameters are invariant, so unknown would reject them)
export type AnyModule = Module<any[], any>;

/** Runs after `forward`; returning a value replaces the output. */
export type ForwardHook<I extends unknown[], O> = (module: AnyModule, inputs: I, output: O) => O | undefined;
/** Runs before `forward`; returning an array replaces the inputs. */
export type ForwardPreHook<I extends unknown[], _O> = (module: AnyModule, inputs: I) => I | undefined;

/** What `addForwardHook` returns: call `remove()` to take the hook off again. */
export interface RemovableHandle {
  /** Takes the hook off; calling it again does nothing. */
  remove(): void;
}

/** Where a dotted path ends: the object holding the last segment, and that segment. */
interface Slot {
  holder: Record<string, unknown>;
  key: string;
}

/** Modules, Parameters and arrays of them are the only values discovery descends into. */
function childrenOf(holder: object): [string, unknown][] {
  return Object.entries(holder).filter(([, v]) => v instanceof Module || isParameter(v) || Array.isArray(v));
}

/**
 * The base class of every layer. Subclasses implement `forward`; callers use `call`, which runs
 * the pre-hooks, `forward` and the hooks (PyTorch's `__call__`; TS instances are not callable).
 */
export abstract class Module<I extends unknown[] = [Tensor], O = Tensor> {
  /** Training mode (dropout active, batch statistics); set it with `train()` / `eval()`. */
  training = true;
  #buffers = new Map<string, { persistent: boolean }>();
  // stored loosely typed: typed sets would make Module invariant in I and O
  // biome-ignore lint/suspicious/noExplicitAny: hooks of this module's own signature, stored without it
  #hooks = new Set<ForwardHook<any[], any>>();
  // biome-ignore lint/suspicious/noExplicitAny: as above
  #preHooks = new Set<ForwardPreHook<any[], any>>();

  /** The computation of this module. Call `call()` instead, so hooks run. */
  abstract forward(...args: I): O;

  /**
   * Runs forward pre-hooks, `forward`, then forward hooks. A GraftError thrown inside names the
   * innermost layer, its dotted path and its `extraRepr()` (see `runInLayer`).
   */
  call(...args: I): O {
    return runInLayer(this, () => {
      let inputs = args;
      for (const h of this.#preHooks) inputs = (h(this, inputs) as I | undefined) ?? inputs;
      let out = this.forward(...inputs);
      for (const h of this.#hooks) {
        const replaced = h(this, inputs, out) as O | undefined;
        if (replaced !== undefined) out = replaced;
      }
      return out;
    });
  }

  /**
   * The layer's configuration in one line (`inFeatures=128, outFeatures=64, bias=true`), as
   * PyTorch's `extra_repr`: error messages show it after the layer's name. Empty by default.
   */
  extraRepr(): string {
    return '';
  }

  /** Adds a hook that sees (and may replace) the output of every `call`. */
  addForwardHook(hook: ForwardHook<I, O>): RemovableHandle {
    const h = hook as ForwardHook<unknown[], unknown>;
    this.#hooks.add(h);
    return { remove: () => void this.#hooks.delete(h) };
  }

  /** Adds a hook that sees (and may replace) the inputs of every `call`. */
  addForwardPreHook(hook: ForwardPreHook<I, O>): RemovableHandle {
    const h = hook as unknown as ForwardPreHook<unknown[], unknown>;
    this.#preHooks.add(h);
    return { remove: () => void this.#preHooks.delete(h) };
  }

  /**
   * Registers a buffer: module state that is not trained (BatchNorm running statistics). The
   * tensor is kept (a view is copied first) and set as field `name`; persistent buffers go into
   * the state dict.
   */
  registerBuffer(name: string, value: Tensor | null, opts: { persistent?: boolean } = {}): void {
    if (name.includes('.') || name === '') throw new ModulePathError(`buffer name '${name}' must be non-empty and contain no '.'`);
    // a view is copied: loading a state dict updates buffers with assign(), which needs owned data
    const owned = value && !(value.isContiguous && value.offset === 0 && value.storage.size === value.size) ? noGrad(() => value.clone()) : value;
    owned?.keep();
    this.#buffers.set(name, { persistent: opts.persistent ?? true });
    (this as unknown as Record<string, unknown>)[name] = owned;
  }

  /** Sets field `name` to a parameter (for names chosen at run time, like LSTM's `weight_ih_l0`). */
  registerParameter(name: string, p: Parameter | null): void {
    if (name.includes('.') || name === '') throw new ModulePathError(`parameter name '${name}' must be non-empty and contain no '.'`);
    (this as unknown as Record<string, unknown>)[name] = p;
  }

  /** Sets field `name` to a submodule (for names chosen at run time). */
  registerModule(name: string, m: AnyModule | null): void {
    if (name.includes('.') || name === '') throw new ModulePathError(`module name '${name}' must be non-empty and contain no '.'`);
    (this as unknown as Record<string, unknown>)[name] = m;
  }

  /** Direct submodules with their field names (array elements as `field.0`, `field.1`, …). */
  *namedChildren(): Generator<[string, AnyModule]> {
    const walk = function* (holder: object, prefix: string): Generator<[string, AnyModule]> {
      for (const [k, v] of childrenOf(holder)) {
        if (v instanceof Module) yield [prefix + k, v];
        else if (Array.isArray(v)) yield* walk(v, `${prefix}${k}.`);
      }
    };
    yield* walk(this, '');
  }

  /** This module and every submodule, depth first, with dotted paths (this one is `''`). */
  *namedModules(opts: { prefix?: string } = {}, seen = new Set<AnyModule>()): Generator<[string, AnyModule]> {
    if (seen.has(this)) return;
    seen.add(this);
    const prefix = opts.prefix ?? '';
    yield [prefix, this];
    for (const [name, child] of this.namedChildren()) yield* child.namedModules({ prefix: prefix ? `${prefix}.${name}` : name }, seen);
  }

  /** Every submodule (this one included). */
  *modules(): Generator<AnyModule> {
    for (const [, m] of this.namedModules()) yield m;
  }

  /** This module's own parameters (not its submodules'), by field path. */
  *namedOwnParameters(): Generator<[string, Parameter]> {
    const walk = function* (holder: object, prefix: string): Generator<[string, Parameter]> {
      for (const [k, v] of childrenOf(holder)) {
        if (isParameter(v)) yield [prefix + k, v];
        else if (Array.isArray(v)) yield* walk(v, `${prefix}${k}.`);
      }
    };
    yield* walk(this, '');
  }

  /** Parameters with their dotted paths; a parameter shared by two modules appears once. */
  *namedParameters(opts: { prefix?: string; recurse?: boolean } = {}): Generator<[string, Parameter]> {
    const seen = new Set<Parameter>();
    const mods: [string, AnyModule][] = opts.recurse === false ? [[opts.prefix ?? '', this]] : [...this.namedModules({ prefix: opts.prefix })];
    for (const [path, m] of mods) {
      for (const [name, p] of m.namedOwnParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        yield [path ? `${path}.${name}` : name, p];
      }
    }
  }

  /** Every parameter, each once. */
  parameters(opts: { recurse?: boolean } = {}): Parameter[] {
    return [...this.namedParameters(opts)].map(([, p]) => p);
  }

  /** This module's own buffers (not its submodules'), with whether they are persistent. */
  *namedOwnBuffers(): Generator<[string, Tensor, boolean]> {
    for (const [name, { persistent }] of this.#buffers) {
      const t = (this as unknown as Record<string, Tensor | null>)[name];
      if (t) yield [name, t, persistent];
    }
  }

  /** Buffers with their dotted paths. */
  *namedBuffers(opts: { prefix?: string; persistentOnly?: boolean } = {}): Generator<[string, Tensor]> {
    for (const [path, m] of this.namedModules({ prefix: opts.prefix })) {
      for (const [name, t, persistent] of m.namedOwnBuffers()) {
        if (opts.persistentOnly && !persistent) continue;
        yield [path ? `${path}.${name}` : name, t];
      }
    }
  }

  /** The number of parameter elements (optionally only the trainable ones). */
  numParameters(opts: { trainableOnly?: boolean } = {}): number {
    return this.parameters().reduce((n, p) => n + (opts.trainableOnly && !p.requiresGrad ? 0 : p.size), 0);
  }

  /** Sets training mode on this module and every submodule. */
  train(on = true): this {
    for (const m of this.modules()) m.training = on;
    return this;
  }

  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Turns gradients on or off for every parameter below this module (freezing). */
  requiresGrad_(on = true): this {
    for (const p of this.parameters()) p.requiresGrad_(on);
    return this;
  }

  /** Calls `fn` on every submodule, children before parents (as `torch.nn.Module.apply`). */
  apply(fn: (m: AnyModule) => void): this {
    for (const [, child] of this.namedChildren()) child.apply(fn);
    fn(this);
    return this;
  }

  #slot(path: string): Slot {
    const parts = path.split('.');
    let holder: unknown = this;
    for (let i = 0; i < parts.length - 1; i++) {
      holder = (holder as Record<string, unknown>)[parts[i]];
      if (!(holder instanceof Module) && !Array.isArray(holder)) {
        throw new ModulePathError(`'${parts.slice(0, i + 1).join('.')}' in path '${path}' is not a module`);
      }
    }
    return { holder: holder as Record<string, unknown>, key: parts[parts.length - 1] };
  }

  /** The submodule at a dotted path (`''` is this module). */
  getSubmodule(path: string): AnyModule {
    if (path === '') return this;
    const { holder, key } = this.#slot(path);
    const m = Object.hasOwn(holder, key) ? holder[key] : undefined;
    if (!(m instanceof Module)) throw new ModulePathError(`no submodule at '${path}'`);
    return m;
  }

  /** Replaces the submodule at a dotted path (how PEFT swaps a Linear for a LoRA layer). */
  setSubmodule(path: string, m: AnyModule): void {
    if (path === '') throw new ModulePathError('setSubmodule needs a non-empty path');
    const { holder, key } = this.#slot(path);
    if (!(Object.hasOwn(holder, key) && holder[key] instanceof Module)) throw new ModulePathError(`no submodule at '${path}' to replace`);
    holder[key] = m;
  }

  /** The parameter at a dotted path. */
  getParameter(path: string): Parameter {
    const { holder, key } = this.#slot(path);
    const p = Object.hasOwn(holder, key) ? holder[key] : undefined;
    if (!isParameter(p)) throw new ModulePathError(`no parameter at '${path}'`);
    return p;
  }

  /**
   * Parameters and persistent buffers by dotted key: the tensors themselves, not copies (tied
   * weights appear under each of their keys, as in PyTorch).
   */
  stateDict(opts: { prefix?: string } = {}): Record<string, Tensor> {
    return stateDictOf(this, opts.prefix ?? '');
  }

  /**
   * Copies tensors from `sd` into this module's parameters and buffers (cast to their dtypes).
   * Validates everything first: on a shape mismatch or, when strict, a missing or unexpected
   * key, it throws and loads nothing. Returns the keys that were missing and unexpected.
   */
  loadStateDict(sd: StateDictLike, opts: LoadStateDictOptions = {}): LoadStateDictResult {
    return loadStateDictInto(this, sd, opts);
  }

  /**
   * Copies tensors from `sd` like `loadStateDict`, first moving each incoming tensor that lives
   * on another device than its target with `toAsync` (so a state dict held on a GPU loads into
   * a CPU module too; `loadStateDict` moves only what can move synchronously, i.e. from the CPU).
   */
  async loadStateDictAsync(sd: StateDictLike, opts: LoadStateDictOptions = {}): Promise<LoadStateDictResult> {
    return loadStateDictIntoAsync(this, sd, opts);
  }

  /**
   * Moves every parameter, buffer and gradient to `device` and returns this module. Parameters
   * and buffers keep their identity (their storage is rebound, as an optimizer step does), so
   * an optimizer built before the move still holds them; its state tensors do not move, though,
   * so build optimizers after moving. Synchronous: the tensors must be readable synchronously
   * (from the CPU, e.g. `cpu → webgpu`); from a GPU use `await module.toAsync('cpu')`. All or
   * nothing: a failure (float64 parameters onto WebGPU, say) leaves the module where it was.
   */
  to(device: string): this {
    return moveModule(this, device);
  }

  /** `to(device)` from any device (GPU → CPU included), waiting for the read-back. */
  async toAsync(device: string): Promise<this> {
    return moveModuleAsync(this, device);
  }

  /** Disposes every parameter and buffer; the module is unusable afterwards. */
  dispose(): void {
    for (const [, p] of this.namedParameters()) p.dispose();
    for (const [, b] of this.namedBuffers()) b.dispose();
  }

  /** A one-line summary for logs. */
  toString(): string {
    return `${this.constructor.name}(${this.numParameters()} parameters)`;
  }
}

/** Throws unless `m` is a Module (for APIs that take user objects). */
export function assertModule(m: unknown, what: string): asserts m is AnyModule {
  if (!(m instanceof Module)) throw new GraftError('not_a_module', `${what} is not a Module`);
}
