/**
 * Containers: Sequential (a pipeline), ModuleList (indexed) and ModuleDict (named). Children are
 * own fields named `0`, `1`, … or by key, so their parameters get PyTorch's keys
 * (`layers.0.weight`, `heads.cls.bias`).
 */
import { GraftError, type Tensor } from '@graft/core';
import { ModulePathError } from '../errors';
import { type AnyModule, Module } from './module';

/** Field names a container key may not take, because the Module API already uses them. */
function checkKey(owner: object, key: string): void {
  if (key === '' || key.includes('.')) throw new ModulePathError(`container key '${key}' must be non-empty and contain no '.'`);
  if (key in owner && !Object.hasOwn(owner, key)) throw new ModulePathError(`container key '${key}' clashes with a Module property`);
  if (key === 'training') throw new ModulePathError(`container key 'training' clashes with the training flag`);
}

function notCallable(kind: string): never {
  throw new GraftError('not_callable', `${kind} has no forward; index into it and call its modules`);
}

/** Modules applied in order, each to the previous one's output (as `torch.nn.Sequential`). */
export class Sequential extends Module<[Tensor], Tensor> {
  constructor(...modules: Module<[Tensor], Tensor>[]) {
    super();
    modules.forEach((m, i) => this.registerModule(String(i), m));
  }

  /** The number of stages. */
  get length(): number {
    return [...this.namedChildren()].length;
  }

  /** The stage at index `i`. */
  at(i: number): Module<[Tensor], Tensor> {
    return this.getSubmodule(String(i < 0 ? this.length + i : i)) as Module<[Tensor], Tensor>;
  }

  /** Appends a stage. */
  append(m: Module<[Tensor], Tensor>): this {
    this.registerModule(String(this.length), m);
    return this;
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (const [, m] of this.namedChildren()) y = m.call(y);
    return y;
  }
}

/** An indexed list of modules (as `torch.nn.ModuleList`): keys `0`, `1`, …. */
export class ModuleList<M extends AnyModule = AnyModule> extends Module<never[], never> {
  constructor(modules: Iterable<M> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  /** The number of modules. */
  get length(): number {
    return [...this.namedChildren()].length;
  }

  /** The module at index `i` (negative counts from the end). */
  at(i: number): M {
    return this.getSubmodule(String(i < 0 ? this.length + i : i)) as M;
  }

  /** Appends a module. */
  append(m: M): this {
    this.registerModule(String(this.length), m);
    return this;
  }

  /** The modules in index order, so `for (const m of list)` and `[...list]` work. */
  *[Symbol.iterator](): Iterator<M> {
    for (const [, m] of this.namedChildren()) yield m as M;
  }

  forward(): never {
    return notCallable('ModuleList');
  }
}

/** Modules by name (as `torch.nn.ModuleDict`); keys keep insertion order except integer-like ones. */
export class ModuleDict<M extends AnyModule = AnyModule> extends Module<never[], never> {
  constructor(modules: Record<string, M> | Iterable<[string, M]> = {}) {
    super();
    const entries = Symbol.iterator in modules ? [...(modules as Iterable<[string, M]>)] : Object.entries(modules);
    for (const [k, m] of entries) this.set(k, m);
  }

  /** The module named `key`, or undefined. */
  get(key: string): M | undefined {
    const v = Object.hasOwn(this, key) ? (this as unknown as Record<string, unknown>)[key] : undefined;
    return v instanceof Module ? (v as M) : undefined;
  }

  /** Adds or replaces the module named `key`. */
  set(key: string, m: M): this {
    checkKey(this, key);
    this.registerModule(key, m);
    return this;
  }

  /** Whether a module is named `key`. */
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Removes the module named `key` (not disposing it); returns whether there was one. */
  delete(key: string): boolean {
    if (!this.has(key)) return false;
    delete (this as unknown as Record<string, unknown>)[key];
    return true;
  }

  /** The names, in order. */
  keys(): string[] {
    return [...this.namedChildren()].map(([k]) => k);
  }

  /** [name, module] pairs, in order. */
  entries(): [string, M][] {
    return [...this.namedChildren()] as [string, M][];
  }

  forward(): never {
    return notCallable('ModuleDict');
  }
}
