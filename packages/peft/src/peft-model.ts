/**
 * PeftModel: a model with adapters, as PEFT's `PeftModel`. `getPeftModel(model, config)` freezes
 * the base model, puts the method's adapter layers in place of the modules the config selects,
 * and wraps `modules_to_save`; the model's own `call` runs through the adapters. In-memory names
 * are PEFT's (`base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.default.weight`),
 * so gradients and state dicts compare by name with PEFT's. Adapters are switched, disabled for a
 * block of code, merged and unmerged, deleted, and finally merged and unloaded into the plain
 * base model (its original module types, ready for `toPretrainedFiles`).
 */
import type { Generator } from '@graft/core';
import { type AnyModule, Module } from '@graft/nn';
import type { PeftConfig } from './config/peft-config';
import { PeftAdapterError } from './errors';
import { adapterFiles, adapterFilesAsync, loadAdapterWeights, readAdapterConfig, type SaveAdapterOptions } from './io/adapter-io';
import { type AdapterFilesLike, asAdapterFiles } from './io/files';
import { formatTrainableParameters, type ParameterCounts } from './parameter-counts';
import { parsePeftConfig } from './registry';
import type { MergeOptions } from './tuners/adapter-layer';
import { TunerModel } from './tuners/tuner-model';

/** The inputs of a module's `call`. */
export type CallArgs<M> = M extends Module<infer I extends unknown[], unknown> ? I : unknown[];
/** The output of a module's `call`. */
export type CallOutput<M> = M extends Module<unknown[], infer O> ? O : unknown;

/** A config as a PeftConfig or as its JSON (PEFT's field names, `peft_type` included); it is validated either way. */
export type PeftConfigInput = PeftConfig | ({ peft_type: string } & Record<string, unknown>);

/** Options of `getPeftModel` and `addAdapter`. */
export interface PeftModelOptions {
  /** The adapter's name (default `'default'`, PEFT's). */
  adapterName?: string;
  /** The generator adapter weights are initialised from (the global one when omitted). */
  generator?: Generator;
  /** Where warnings go (default `console.warn`), as PEFT's `warnings.warn`. */
  warn?: (message: string) => void;
  /** @internal Initialise the adapter (false when weights are loaded next). */
  init?: boolean;
}

/** Options of loading an adapter into a model. */
export interface LoadAdapterOptions {
  /** Make the loaded adapter trainable (default false: frozen, PEFT's `is_trainable=False`). */
  isTrainable?: boolean;
  /** The folder inside the files that holds the adapter (PEFT's `subfolder`). */
  subfolder?: string;
}

/** Options of {@link PeftModel.fromPretrained}. */
export interface FromPretrainedOptions extends LoadAdapterOptions {
  /** The name the adapter gets (default 'default'). */
  adapterName?: string;
  /** Where warnings go (default `console.warn`). */
  warn?: (message: string) => void;
}

/** A model with PEFT adapters; `call` runs the base model through them. */
export class PeftModel<M extends AnyModule = AnyModule> extends Module<CallArgs<M>, CallOutput<M>> {
  /** PEFT's `LoraModel`/`IA3Model`/…: holds the base model as `model` and manages the adapters. */
  base_model: TunerModel<M>;
  #unloaded = false;

  /** Adds the first adapter to `model` (in place, as PEFT does); see {@link getPeftModel}. */
  constructor(model: M, config: PeftConfigInput, opts: PeftModelOptions = {}) {
    super();
    if (model instanceof PeftModel) throw new PeftAdapterError('peft_adapter_exists', 'the model is a PeftModel already; add further adapters with addAdapter');
    const parsed = parsePeftConfig(config);
    this.base_model = new TunerModel(model, parsed.peft_type, opts.warn ?? ((m) => console.warn(m)));
    this.base_model.addAdapter(opts.adapterName ?? 'default', parsed, { init: opts.init, generator: opts.generator });
  }

  /** Runs the model (with the active adapters unless disabled). */
  forward(...args: CallArgs<M>): CallOutput<M> {
    return this.#tuner().call(...args) as CallOutput<M>;
  }

  /** The base model with its adapter layers in place (PEFT's `get_base_model`). */
  getBaseModel(): M {
    return this.#tuner().model;
  }

  /** The method of this model's adapters (`'LORA'`). */
  get peftType(): string {
    return this.#tuner().method.peftType;
  }

  /** Each adapter's config, by name (PEFT's `peft_config`). */
  get peftConfig(): Record<string, PeftConfig> {
    return Object.fromEntries(this.#tuner().configs);
  }

  /** The active adapters. */
  get activeAdapters(): readonly string[] {
    return this.#tuner().activeAdapters;
  }

  /** The first active adapter (PEFT's `active_adapter`). */
  get activeAdapter(): string {
    const [first] = this.#tuner().activeAdapters;
    if (first === undefined) throw new PeftAdapterError('peft_adapter_active', 'no adapter is active; setAdapter(name) first');
    return first;
  }

  /** Adds another adapter of the same method (not activated: call `setAdapter`), as PEFT's `add_adapter`. */
  addAdapter(name: string, config: PeftConfigInput, opts: Omit<PeftModelOptions, 'adapterName' | 'warn'> = {}): void {
    this.#tuner().addAdapter(name, parsePeftConfig(config), { init: opts.init, generator: opts.generator });
  }

  /** Makes `name` (or several names) the active adapter. */
  setAdapter(name: string | readonly string[]): void {
    this.#tuner().setAdapter(name);
  }

  /** Deletes adapter `name` and disposes its weights. */
  deleteAdapter(name: string): void {
    this.#tuner().deleteAdapter(name);
  }

  /** Whether adapters are disabled (the model then computes the base model's outputs exactly). */
  get adaptersDisabled(): boolean {
    return this.#tuner().disabled;
  }

  /** Disables every adapter, ones added later included, until {@link enableAdapters} (merged adapters are unmerged first). */
  disableAdapters(): void {
    this.#tuner().setDisabled(true);
  }

  /** Enables the adapters again. */
  enableAdapters(): void {
    this.#tuner().setDisabled(false);
  }

  /**
   * Runs `fn` with adapters disabled and restores the previous state afterwards, also when `fn`
   * throws or its promise rejects (PEFT's `with model.disable_adapter():`).
   * @example const reference = peft.withAdaptersDisabled(() => peft.call(batch).logits)
   */
  withAdaptersDisabled<T>(fn: () => T): T {
    const was = this.adaptersDisabled;
    const restore = () => (was ? this.disableAdapters() : this.enableAdapters());
    this.disableAdapters();
    let result: T;
    try {
      result = fn();
    } catch (e) {
      restore();
      throw e;
    }
    if (result instanceof Promise) return result.finally(restore) as T;
    restore();
    return result;
  }

  /** Folds the active adapters (or `adapterNames`) into the base weights; `safeMerge` reads synchronously (CPU; use {@link mergeAsync} elsewhere). */
  merge(opts: MergeOptions = {}): void {
    this.#tuner().merge(opts);
  }

  /** {@link merge} on any device. */
  async mergeAsync(opts: MergeOptions = {}): Promise<void> {
    await this.#tuner().mergeAsync(opts);
  }

  /** Takes merged adapters out of the base weights again. */
  unmerge(): void {
    this.#tuner().unmerge();
  }

  /**
   * Merges the active adapters and returns the plain base model: original module types,
   * merged weights, modules_to_save with their trained values (PEFT's `merge_and_unload`).
   * This PeftModel is spent afterwards; the adapter weights are disposed.
   */
  mergeAndUnload(opts: MergeOptions = {}): M {
    const model = this.#tuner().unload(true, opts);
    this.#unloaded = true;
    return model;
  }

  /** {@link mergeAndUnload} on any device (a safe merge reads asynchronously). */
  async mergeAndUnloadAsync(opts: MergeOptions = {}): Promise<M> {
    await this.#tuner().mergeAsync(opts);
    return this.mergeAndUnload({ adapterNames: opts.adapterNames });
  }

  /** Removes the adapters without merging and returns the base model (PEFT's `unload`); this PeftModel is spent afterwards. */
  unload(): M {
    const model = this.#tuner().unload(false);
    this.#unloaded = true;
    return model;
  }

  /**
   * Trainable and total parameter counts, as PEFT 0.21 reports them: `trainable` counts every
   * parameter with a gradient, `all` the base model's own parameters (adapter weights and
   * modules_to_save copies are not added to it).
   */
  trainableParameters(): ParameterCounts {
    const owned = this.#tuner().adapterOwnedTensors();
    let trainable = 0;
    let all = 0;
    for (const p of this.parameters()) {
      if (!owned.has(p)) all += p.size;
      if (p.requiresGrad) trainable += p.size;
    }
    return { trainable, all, percent: all === 0 ? 0 : (100 * trainable) / all };
  }

  /** Prints (and returns) PEFT's line: `trainable params: 1,090 || all params: 53,154 || trainable%: 2.0506`. */
  printTrainableParameters(print: (line: string) => void = (line) => console.log(line)): string {
    const line = formatTrainableParameters(this.trainableParameters());
    print(line);
    return line;
  }

  /**
   * The adapter files PEFT's `save_pretrained` writes, by name: `adapter_config.json` and
   * `adapter_model.safetensors` (adapters other than 'default' in a folder of their name).
   * Synchronous, so the weights must be on the CPU; use {@link toAdapterFilesAsync} elsewhere.
   */
  toAdapterFiles(opts: SaveAdapterOptions = {}): Map<string, Uint8Array> {
    return adapterFiles(this.#tuner(), opts);
  }

  /** {@link toAdapterFiles} from any device. */
  toAdapterFilesAsync(opts: SaveAdapterOptions = {}): Promise<Map<string, Uint8Array>> {
    return adapterFilesAsync(this.#tuner(), opts);
  }

  /**
   * Adds an adapter saved by PEFT or Graft as `adapterName` (PEFT's `load_adapter`); it is frozen
   * unless `isTrainable`, and not activated. All or nothing: on a bad file the model is unchanged.
   */
  async loadAdapter(files: AdapterFilesLike, adapterName: string, opts: LoadAdapterOptions = {}): Promise<void> {
    const source = asAdapterFiles(files);
    const config = await readAdapterConfig(source, opts.subfolder);
    const tuner = this.#tuner();
    config.inference_mode = !opts.isTrainable;
    tuner.addAdapter(adapterName, config, { init: false });
    try {
      await loadAdapterWeights(tuner, adapterName, source, opts.subfolder);
    } catch (e) {
      tuner.deleteAdapter(adapterName);
      throw e;
    }
  }

  /**
   * `base` with the adapter stored in `files` (PEFT's `PeftModel.from_pretrained`): the adapter is
   * frozen unless `isTrainable` (PEFT's default too). On a bad file, `base` is left as it was.
   * @example const peft = await PeftModel.fromPretrained(model, peftFilesMap, { isTrainable: true })
   */
  static async fromPretrained<M extends AnyModule>(base: M, files: AdapterFilesLike, opts: FromPretrainedOptions = {}): Promise<PeftModel<M>> {
    const source = asAdapterFiles(files);
    const config = await readAdapterConfig(source, opts.subfolder);
    const name = opts.adapterName ?? 'default';
    const flags = base.parameters().map((p) => [p, p.requiresGrad] as const);
    config.inference_mode = !opts.isTrainable;
    const peft = new this(base, config, { adapterName: name, warn: opts.warn, init: false }) as PeftModel<M>;
    try {
      await loadAdapterWeights(peft.base_model, name, source, opts.subfolder);
    } catch (e) {
      peft.base_model.discard();
      for (const [p, on] of flags) p.requiresGrad_(on);
      peft.#unloaded = true;
      throw e;
    }
    return peft;
  }

  /** The TunerModel, or an error once this model was unloaded. */
  #tuner(): TunerModel<M> {
    if (this.#unloaded) throw new PeftAdapterError('peft_unloaded', 'this PeftModel was unloaded (mergeAndUnload or unload); use the model those returned');
    return this.base_model;
  }
}

/**
 * Adds a PEFT adapter to `model` and returns it as a PeftModel (PEFT's `get_peft_model`): the
 * base model is frozen (in place), the config's targets get adapter layers, `modules_to_save`
 * get trainable copies.
 * @example const peft = getPeftModel(model, { peft_type: 'LORA', task_type: 'SEQ_CLS', r: 8, lora_alpha: 32 })
 */
export function getPeftModel<M extends AnyModule>(model: M, config: PeftConfigInput, opts: PeftModelOptions = {}): PeftModel<M> {
  return new PeftModel(model, config, opts);
}
