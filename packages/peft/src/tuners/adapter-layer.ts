/**
 * AdapterLayer: what every method's wrapped layer shares (PEFT's `BaseTunerLayer`). It holds the
 * original module as `base_layer` (so the base weights keep PEFT's in-memory names,
 * `query.base_layer.weight`) and one set of adapter tensors per adapter name, and it knows which
 * adapters are active, whether adapters are disabled, and which are merged into the base weights.
 * A method implements the tensors, the forward pass and the merge arithmetic; merging, safe
 * merging, unmerging, switching and freezing are done here once for every method.
 */
import { GraftError, noGrad, scope, type Tensor } from '@graft/core';
import { type AnyModule, Module, type Parameter } from '@graft/nn';
import { PeftAdapterError } from '../errors';

/** One tensor of one adapter in a layer: its key under the layer in memory and in the adapter file. */
export interface LayerTensor {
  /** The key under this layer in memory (`lora_A.default.weight`). */
  key: string;
  /** The key under this layer in the adapter file: the adapter name stripped (`lora_A.weight`). */
  fileKey: string;
  parameter: Parameter;
}

/** A base-layer tensor and the value a merge (or unmerge) gives it. */
export type WeightUpdate = [target: Tensor, value: Tensor];

/** Options of merging. */
export interface MergeOptions {
  /** The adapters to merge (default: the active ones). */
  adapterNames?: readonly string[];
  /**
   * Compute the merged weights aside and check that they are finite before writing them (PEFT's
   * `safe_merge`): a broken adapter then throws `peft_merge_nonfinite` and changes nothing.
   */
  safeMerge?: boolean;
}

/** The base class of every adapter layer. `B` is the wrapped module's type. */
export abstract class AdapterLayer<B extends AnyModule = AnyModule> extends Module<unknown[], unknown> {
  /** The wrapped module, PEFT's `base_layer`: its parameters are the frozen base weights. */
  base_layer: B;
  #active: string[] = [];
  #disabled = false;
  #merged: string[] = [];

  constructor(base: B) {
    super();
    this.base_layer = base;
  }

  /** The PEFT method this layer belongs to (`'LORA'`). */
  abstract get peftType(): string;

  /** The adapters this layer holds, in the order they were added. */
  abstract adapterNames(): string[];

  /** Adapter `name`'s tensors in this layer (empty when the layer does not hold it). */
  abstract adapterTensors(name: string): LayerTensor[];

  /** Removes adapter `name`'s tensors and disposes them. */
  protected abstract removeAdapter(name: string): void;

  /**
   * The base-layer tensors that merging adapter `name` changes, with their merged values (computed,
   * not yet written). The values must be new tensors, never the adapter's own parameters: they are
   * disposed once written. Called only for adapters the layer holds and has not merged.
   */
  protected abstract mergeUpdates(name: string): WeightUpdate[];

  /** The base-layer tensors with their values after taking merged adapter `name` out again. */
  protected abstract unmergeUpdates(name: string): WeightUpdate[];

  /** Whether this layer's adapters can be merged into the base weights. */
  get canMerge(): boolean {
    return true;
  }

  /** The adapters that take part in the forward pass. */
  get activeAdapters(): readonly string[] {
    return this.#active;
  }

  /** Makes `names` the active adapters (names this layer does not hold are skipped in the forward pass, as in PEFT). */
  setActiveAdapters(names: readonly string[]): void {
    this.#active = [...names];
  }

  /** Whether adapters are disabled: the layer then computes its base module's output exactly. */
  get disabled(): boolean {
    return this.#disabled;
  }

  /** Disables (or enables again) every adapter of this layer. */
  setDisabled(on: boolean): void {
    this.#disabled = on;
  }

  /** The adapters merged into the base weights, in merge order. */
  get mergedAdapters(): readonly string[] {
    return this.#merged;
  }

  /** Whether any adapter is merged. */
  get merged(): boolean {
    return this.#merged.length > 0;
  }

  /** Turns gradients of adapter `name`'s tensors on or off. */
  setAdapterTrainable(name: string, on: boolean): void {
    for (const t of this.adapterTensors(name)) t.parameter.requiresGrad_(on);
  }

  /** The adapters of `opts.adapterNames` (default: the active ones) that this layer holds and has not merged yet. */
  #toMerge(opts: MergeOptions): string[] {
    const held = new Set(this.adapterNames());
    return (opts.adapterNames ?? this.#active).filter((n) => held.has(n) && !this.#merged.includes(n));
  }

  /** Folds adapters into the base weights (synchronous; `safeMerge` reads the weights, which needs a device that reads synchronously, the CPU). */
  merge(opts: MergeOptions = {}): void {
    this.#checkMergeable();
    for (const name of this.#toMerge(opts)) {
      scope(() =>
        noGrad(() => {
          const updates = this.mergeUpdates(name);
          if (opts.safeMerge && !updates.every(([, v]) => isFiniteSync(v))) throw nonFinite(name);
          for (const [target, value] of updates) target.assign(value);
        }),
      );
      this.#merged.push(name);
    }
  }

  /** {@link merge} on any device: a safe merge reads the merged weights asynchronously. */
  async mergeAsync(opts: MergeOptions = {}): Promise<void> {
    this.#checkMergeable();
    for (const name of this.#toMerge(opts)) {
      const updates = noGrad(() => scope(() => this.mergeUpdates(name).map(([t, v]) => [t, v.keep()] as WeightUpdate)));
      try {
        if (opts.safeMerge) for (const [, v] of updates) if (!(await allFinite(v))) throw nonFinite(name);
        noGrad(() => {
          for (const [target, value] of updates) target.assign(value);
        });
      } finally {
        for (const [, v] of updates) v.dispose();
      }
      this.#merged.push(name);
    }
  }

  /** Takes every merged adapter out of the base weights again, last merged first. */
  unmerge(): void {
    while (this.#merged.length > 0) {
      const name = this.#merged[this.#merged.length - 1];
      scope(() =>
        noGrad(() => {
          for (const [target, value] of this.unmergeUpdates(name)) target.assign(value);
        }),
      );
      this.#merged.pop();
    }
  }

  /** Deletes adapter `name` from this layer (it must not be merged); an active one is replaced by the remaining active ones. */
  deleteAdapter(name: string): void {
    if (this.#merged.includes(name)) throw new PeftAdapterError('peft_adapter_merged', `adapter '${name}' is merged; unmerge() before deleting it`, name);
    if (!this.adapterNames().includes(name)) return;
    this.removeAdapter(name);
    this.#active = this.#active.filter((n) => n !== name);
  }

  #checkMergeable(): void {
    if (!this.canMerge) throw new PeftAdapterError('peft_merge_unsupported', `${this.peftType} adapters cannot be merged into the base weights`);
  }
}

/** Whether every element of `t` is finite, read synchronously. */
function isFiniteSync(t: Tensor): boolean {
  try {
    return scope(() => nonFiniteCount(t).itemSync() === 0);
  } catch (e) {
    if (e instanceof GraftError && e.code === 'sync_read_unsupported') {
      throw new GraftError(
        'sync_read_unsupported',
        `a safe merge reads the merged weights, which ${t.device} cannot do synchronously; use await mergeAsync({ safeMerge: true })`,
        { cause: e },
      );
    }
    throw e;
  }
}

/** Whether every element of `t` is finite. */
async function allFinite(t: Tensor): Promise<boolean> {
  const count = scope(() => nonFiniteCount(t).keep());
  try {
    return (await count.item()) === 0;
  } finally {
    count.dispose();
  }
}

/** The number of NaN and infinite elements (|x| ≤ max float32 is false exactly for those). */
function nonFiniteCount(t: Tensor): Tensor {
  return t.abs().le(3.4028234663852886e38).logicalNot().cast('int32').sum();
}

function nonFinite(name: string): PeftAdapterError {
  return new PeftAdapterError(
    'peft_merge_nonfinite',
    `merging adapter '${name}' gives NaN or infinite weights; the adapter seems broken (nothing was changed)`,
    name,
  );
}
