/**
 * `modules_to_save`: modules trained in full next to the adapter (a classifier head), as PEFT's
 * `ModulesToSaveWrapper`. The wrapper keeps the original module frozen as `original_module` and a
 * trainable copy per adapter under `modules_to_save.<adapter>`, so the in-memory keys are PEFT's
 * (`classifier.modules_to_save.default.weight`), and runs the active adapter's copy.
 *
 * The copy is a {@link ModuleCopy}: the original module's tensors cloned under the same keys, not
 * a second instance of its class. A JavaScript class cannot be deep-copied generically (its
 * constructor takes unknown arguments, and `#private` members exist only on instances that
 * constructor made), so the wrapper runs the original module with the copy's tensors swapped in
 * for the call (nn's `functionalCall`). The forward pass is the original module's code either way.
 */
import { noGrad, scope, type Tensor } from '@graft/core';
import { type AnyModule, functionalCall, isParameter, Module, ModuleDict, ModulePathError, Parameter } from '@graft/nn';

/** The tensors of a module under its state-dict keys, cloned: parameters stay parameters, persistent buffers stay buffers. */
export class ModuleCopy extends Module<never[], never> {
  /** Copies every parameter and persistent buffer of `source`; tensors shared by two keys stay shared in the copy. */
  static of(source: AnyModule): ModuleCopy {
    const root = new ModuleCopy();
    const clones = new Map<Tensor, Tensor>();
    const buffers = new Set([...source.namedBuffers({ persistentOnly: true })].map(([k]) => k));
    for (const [key, t] of Object.entries(source.stateDict())) {
      let clone = clones.get(t);
      if (!clone) {
        const param = isParameter(t);
        const made: Tensor = scope(() => noGrad(() => (param ? new Parameter(t.clone(), { requiresGrad: t.requiresGrad }) : (t as Tensor).clone().keep())));
        clones.set(t, made);
        clone = made;
      }
      const parts = key.split('.');
      let holder: ModuleCopy = root;
      for (const part of parts.slice(0, -1)) {
        let next = (holder as unknown as Record<string, unknown>)[part];
        if (!(next instanceof ModuleCopy)) {
          next = new ModuleCopy();
          holder.registerModule(part, next as ModuleCopy);
        }
        holder = next as ModuleCopy;
      }
      const name = parts[parts.length - 1];
      if (buffers.has(key) && !isParameter(clone)) holder.registerBuffer(name, clone as Tensor);
      else holder.registerParameter(name, clone as Parameter);
    }
    return root;
  }

  forward(): never {
    throw new ModulePathError('ModuleCopy holds tensors only; the ModulesToSaveWrapper runs it through the original module');
  }
}

/** A module trained in full for each adapter, with the original kept frozen (PEFT's `ModulesToSaveWrapper`). */
export class ModulesToSaveWrapper extends Module<unknown[], unknown> {
  /** The module as the base model had it; frozen. */
  original_module: AnyModule;
  /** One trainable copy per adapter. */
  modules_to_save = new ModuleDict<ModuleCopy>();
  #active: string | null = null;
  #disabled = false;

  constructor(original: AnyModule) {
    super();
    this.original_module = original;
    original.requiresGrad_(false);
  }

  /** Adds a copy of the original module for `adapter` (no-op when it has one). */
  addAdapter(adapter: string): void {
    if (this.modules_to_save.has(adapter)) return;
    const copy = ModuleCopy.of(this.original_module);
    copy.requiresGrad_(false);
    this.modules_to_save.set(adapter, copy);
  }

  /** The adapters that have a copy here. */
  adapterNames(): string[] {
    return this.modules_to_save.keys();
  }

  /** The adapter whose copy runs (null: the original runs). */
  get activeAdapter(): string | null {
    return this.#active;
  }

  /** Makes `adapter`'s copy the one that runs; an adapter without a copy here runs the original. */
  setActiveAdapter(adapter: string | null): void {
    this.#active = adapter;
  }

  /** Whether adapters are disabled (the original module runs). */
  get disabled(): boolean {
    return this.#disabled;
  }

  /** Disables (or enables again) the copies. */
  setDisabled(on: boolean): void {
    this.#disabled = on;
  }

  /** Turns gradients of `adapter`'s copy on or off. */
  setAdapterTrainable(adapter: string, on: boolean): void {
    this.modules_to_save.get(adapter)?.requiresGrad_(on);
  }

  /** `adapter`'s copy's tensors by key (the original module's keys), or an empty map when it has none. */
  adapterTensors(adapter: string): Map<string, Tensor> {
    const copy = this.modules_to_save.get(adapter);
    return new Map(copy ? Object.entries(copy.stateDict()) : []);
  }

  /** Deletes `adapter`'s copy and disposes its tensors. */
  deleteAdapter(adapter: string): void {
    const copy = this.modules_to_save.get(adapter);
    if (!copy) return;
    this.modules_to_save.delete(adapter);
    copy.dispose();
    if (this.#active === adapter) this.#active = null;
  }

  forward(...args: unknown[]): unknown {
    const copy = this.#disabled || this.#active === null ? undefined : this.modules_to_save.get(this.#active);
    if (!copy) return this.original_module.call(...args);
    return functionalCall(this.original_module, this.adapterTensors(this.#active as string), () => this.original_module.call(...args));
  }

  /**
   * The original module carrying `adapter`'s trained tensors (PEFT's unload returns the copy): its
   * fields are rebound to the copy's tensors. Without a copy for `adapter` the original is
   * returned as it is. The tensors left unreachable are the caller's to dispose.
   */
  unwrap(adapter: string | null): AnyModule {
    const copy = adapter === null ? undefined : this.modules_to_save.get(adapter);
    if (!copy) return this.original_module;
    for (const [key, t] of Object.entries(copy.stateDict())) {
      const cut = key.lastIndexOf('.');
      const holder = this.original_module.getSubmodule(cut < 0 ? '' : key.slice(0, cut)) as unknown as Record<string, Tensor>;
      holder[key.slice(cut + 1)] = t;
    }
    return this.original_module;
  }
}
