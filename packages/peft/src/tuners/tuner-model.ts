/**
 * TunerModel: PEFT's `LoraModel` / `IA3Model` / … in one class, since everything but adapting a
 * module is the same for every method. It sits at `base_model` inside the PeftModel and holds the
 * user's model as `model`, so in-memory keys are PEFT's (`base_model.model.bert.…lora_A.default.weight`).
 * It adds adapters (method injection, then freezing the base, then `modules_to_save`), switches,
 * disables, merges, deletes and unloads them, and lists each adapter's tensors for the files.
 * A prompt-learning method's adapters are encoders kept here beside the model
 * (`prompt_encoder.<adapter>`), and the forward pass lets the active one prepare the inputs.
 */
import type { Generator, Tensor } from '@graft/core';
import { type AnyModule, Module, ModuleDict, type Parameter } from '@graft/nn';
import type { PeftConfig } from '../config/peft-config';
import { PeftAdapterError } from '../errors';
import type { PeftMethod } from '../method';
import { peftMethod } from '../registry';
import { AdapterLayer, type MergeOptions } from './adapter-layer';
import { injectModules } from './inject';
import { ModulesToSaveWrapper } from './modules-to-save';
import type { PromptEncoder } from './prompt-encoder';
import { TASK_MODULES_TO_SAVE } from './targets';

/** The prefix PEFT's files put before base-model paths. */
export const BASE_MODEL_PREFIX = 'base_model.model.';

/**
 * The prefix of base-model paths in a prompt-learning adapter's file: PEFT's PeftModel holds the
 * model itself at `base_model` for those methods (no tuner in between), so its modules_to_save
 * are saved as `base_model.classifier.weight`.
 */
export const PROMPT_LEARNING_PREFIX = 'base_model.';

/** One tensor of an adapter: its name in memory, its key in adapter_model.safetensors, the tensor. */
export interface AdapterTensor {
  /** The name in memory, relative to the PeftModel (`base_model.model.…query.lora_A.default.weight`, `base_model.prompt_encoder.default.embedding.weight`). */
  key: string;
  /** The key in adapter_model.safetensors, the adapter name stripped (`base_model.model.…query.lora_A.weight`, `prompt_embeddings`). */
  fileKey: string;
  tensor: Tensor;
  /** A value computed for the file, not a parameter (a projected prefix): nothing loads into it, and the caller disposes it. */
  computed?: boolean;
}

/** Options of adding an adapter. */
export interface AddAdapterOptions {
  /** Initialise the adapter as its config says (default true); false leaves it for loaded weights and draws nothing. */
  init?: boolean;
  /** The generator initialisation draws from (the global one when omitted). */
  generator?: Generator;
}

let probe: ModuleDict | undefined;

/** Names that cannot be adapters: state-dict keys may not contain dots, and containers' own properties are taken. */
export function checkAdapterName(name: unknown): asserts name is string {
  // adapter names are keys of ModuleDict/ParameterDict containers, which cannot shadow their own members
  probe ??= new ModuleDict();
  const taken = typeof name === 'string' && ((name in probe && !Object.hasOwn(probe, name)) || name === 'training');
  if (typeof name !== 'string' || name === '' || /[./\\]/.test(name) || taken) {
    throw new PeftAdapterError(
      'peft_adapter_name',
      `adapter name ${JSON.stringify(name)} cannot be used: it becomes a key segment and a folder name, so it must be non-empty, without '.', '/' or '\\', and not a Module property`,
    );
  }
}

/** The base model with its adapters: `base_model` of a PeftModel. */
export class TunerModel<M extends AnyModule = AnyModule> extends Module<unknown[], unknown> {
  /** The user's model, with adapter layers in place of the adapted modules. */
  model: M;
  /** A prompt-learning method's adapters, by name (PEFT's `prompt_encoder`); absent for other methods. */
  prompt_encoder?: ModuleDict<PromptEncoder>;
  #method: PeftMethod;
  #configs = new Map<string, PeftConfig>();
  #active: string[] = [];
  #disabled = false;
  #warn: (message: string) => void;

  constructor(model: M, peftType: string, warn: (message: string) => void) {
    super();
    this.model = model;
    this.#method = peftMethod(peftType);
    this.#warn = warn;
    if (this.#method.promptLearning) this.prompt_encoder = new ModuleDict<PromptEncoder>();
  }

  /** The model's call, through the active prompt-learning adapter when there is one (and adapters are enabled). */
  forward(...args: unknown[]): unknown {
    const prompt = this.#method.promptLearning;
    const name = this.#active[0];
    const encoder = prompt && !this.#disabled && name !== undefined ? this.prompt_encoder?.get(name) : undefined;
    if (prompt && encoder) return prompt.forward({ model: this.model, encoder, config: this.config(name), args, warn: this.#warn });
    return this.model.call(...args);
  }

  /** How base-model paths start in this method's adapter files. */
  get filePrefix(): string {
    return this.#method.promptLearning ? PROMPT_LEARNING_PREFIX : BASE_MODEL_PREFIX;
  }

  /** The method of every adapter here (PEFT allows one method per model). */
  get method(): PeftMethod {
    return this.#method;
  }

  /** Each adapter's config, by name. */
  get configs(): ReadonlyMap<string, PeftConfig> {
    return this.#configs;
  }

  /** The adapters that take part in the forward pass. */
  get activeAdapters(): readonly string[] {
    return this.#active;
  }

  /** Every adapter layer, by path in the model. */
  adapterLayers(): [string, AdapterLayer][] {
    return [...this.model.namedModules()].filter((e): e is [string, AdapterLayer] => e[1] instanceof AdapterLayer);
  }

  /** Every modules_to_save wrapper, by path in the model. */
  wrappers(): [string, ModulesToSaveWrapper][] {
    return [...this.model.namedModules()].filter((e): e is [string, ModulesToSaveWrapper] => e[1] instanceof ModulesToSaveWrapper);
  }

  /** The config of adapter `name`; an unknown name throws, listing the adapters. */
  config(name: string): PeftConfig {
    const c = this.#configs.get(name);
    if (!c)
      throw new PeftAdapterError('peft_adapter_unknown', `no adapter named '${name}' (adapters: ${[...this.#configs.keys()].join(', ') || 'none'})`, name);
    return c;
  }

  /** Adds adapter `name` (not activated unless it is the first), as PEFT's `add_adapter`. */
  addAdapter(name: string, config: PeftConfig, opts: AddAdapterOptions = {}): void {
    checkAdapterName(name);
    if (this.#configs.has(name))
      throw new PeftAdapterError('peft_adapter_exists', `an adapter named '${name}' exists already; pick another name or deleteAdapter('${name}')`, name);
    if (config.peft_type !== this.#method.peftType) {
      throw new PeftAdapterError(
        'peft_adapter_type_mismatch',
        `cannot add a ${config.peft_type} adapter to a model with ${this.#method.peftType} adapters (PEFT keeps one method per model)`,
        name,
      );
    }
    const biased = [...this.#configs.values(), config].filter((c) => ((c as { bias?: string }).bias ?? 'none') !== 'none');
    if (biased.length > 1)
      throw new PeftAdapterError('peft_adapter_bias', `only one adapter may train biases (bias != 'none'); set bias: 'none' for '${name}'`, name);
    addTaskModulesToSave(config);
    this.#configs.set(name, config);
    const ctx = { model: this.model, adapterName: name, config, init: opts.init ?? true, generator: opts.generator, warn: this.#warn };
    try {
      if (this.#method.promptLearning) this.prompt_encoder!.set(name, this.#method.promptLearning.createEncoder(ctx));
      else if (this.#method.inject) this.#method.inject(ctx);
      else injectModules(this.#method, ctx);
    } catch (e) {
      this.#removeEverywhere(name);
      this.#configs.delete(name);
      throw e;
    }
    if (this.#active.length === 0) this.#active = [name];
    this.#freezeBase();
    this.#wrapModulesToSave(name, config);
    this.#applyActive();
  }

  /** Makes `names` the active adapters (a merged model is unmerged first, as PEFT does). */
  setAdapter(names: string | readonly string[]): void {
    const list = typeof names === 'string' ? [names] : [...names];
    if (list.length === 0) throw new PeftAdapterError('peft_adapter_active', 'setAdapter needs at least one adapter name');
    for (const n of list) this.config(n);
    if (list.length > 1 && this.#method.promptLearning) {
      throw new PeftAdapterError(
        'peft_adapter_active',
        `${this.#method.peftType} runs one adapter at a time (each prepares the whole input); got ${JSON.stringify(list)}`,
      );
    }
    if (list.length > 1 && this.wrappers().length > 0) {
      throw new PeftAdapterError(
        'peft_adapter_active',
        `only one adapter can be active with modules_to_save (a module trained in full has one copy per adapter); got ${JSON.stringify(list)}`,
      );
    }
    if (this.adapterLayers().some(([, l]) => l.merged)) {
      this.#warn('Adapter cannot be set when the model is merged. Unmerging the model first.');
      this.unmerge();
    }
    this.#active = list;
    this.#applyActive();
  }

  /** Whether adapters are disabled. */
  get disabled(): boolean {
    return this.#disabled;
  }

  /** Disables (or enables again) every adapter, later ones included: the forward pass is then the base model's. */
  setDisabled(on: boolean): void {
    this.#disabled = on;
    for (const [, layer] of this.adapterLayers()) {
      if (on && layer.merged) layer.unmerge();
      layer.setDisabled(on);
    }
    for (const [, w] of this.wrappers()) w.setDisabled(on);
  }

  /** Folds adapters into the base weights (see `AdapterLayer.merge`). */
  merge(opts: MergeOptions = {}): void {
    this.#checkMerge(opts);
    for (const [, layer] of this.adapterLayers()) layer.merge(opts);
  }

  /** {@link merge} on any device (a safe merge reads asynchronously). */
  async mergeAsync(opts: MergeOptions = {}): Promise<void> {
    this.#checkMerge(opts);
    for (const [, layer] of this.adapterLayers()) await layer.mergeAsync(opts);
  }

  /** Takes merged adapters out of the base weights again. */
  unmerge(): void {
    for (const [, layer] of this.adapterLayers()) layer.unmerge();
  }

  /** Deletes adapter `name` and disposes its tensors; when it was active, the remaining active ones (or the first remaining adapter) take over. */
  deleteAdapter(name: string): void {
    this.config(name);
    if (this.adapterLayers().some(([, l]) => l.mergedAdapters.includes(name))) {
      throw new PeftAdapterError('peft_adapter_merged', `adapter '${name}' is merged; unmerge() before deleting it`, name);
    }
    this.#removeEverywhere(name);
    this.#configs.delete(name);
    this.#active = this.#active.filter((n) => n !== name);
    if (this.#active.length === 0 && this.#configs.size > 0) {
      const next = [...this.#configs.keys()].sort()[0];
      this.#warn(`Adapter ${name} was active which is now deleted. Setting active adapter to ${next}.`);
      this.#active = [next];
    }
    this.#applyActive();
  }

  /**
   * Takes every adapter layer and wrapper out of the model (merging first when `merge`), and
   * disposes the tensors the model no longer reaches. modules_to_save come back with the active
   * adapter's trained values, as PEFT's unload returns its copies. Returns the model.
   */
  unload(merge: boolean, opts: MergeOptions = {}): M {
    if (merge) this.merge(opts);
    const before = new Set<Tensor>([...this.model.parameters(), ...[...this.model.namedBuffers()].map(([, b]) => b)]);
    for (const [path, layer] of this.adapterLayers()) this.model.setSubmodule(path, layer.base_layer);
    const active = this.#active[0] ?? null;
    for (const [path, w] of this.wrappers()) this.model.setSubmodule(path, w.unwrap(active));
    const after = new Set<Tensor>([...this.model.parameters(), ...[...this.model.namedBuffers()].map(([, b]) => b)]);
    for (const t of before) if (!after.has(t)) t.dispose();
    this.#clearEncoders();
    this.#configs.clear();
    this.#active = [];
    return this.model;
  }

  /** Takes every adapter layer and wrapper out again with the original modules as they were (a failed load's rollback); adapter tensors are disposed. */
  discard(): M {
    const before = this.adapterOwnedTensors();
    for (const [path, layer] of this.adapterLayers()) this.model.setSubmodule(path, layer.base_layer);
    for (const [path, w] of this.wrappers()) this.model.setSubmodule(path, w.original_module);
    for (const t of before) t.dispose();
    this.#clearEncoders();
    this.#configs.clear();
    this.#active = [];
    return this.model;
  }

  /**
   * Adapter `name`'s tensors (its layers', its modules_to_save copies', its encoder's, and the base
   * tensors its config trains), with their names in memory and their keys in PEFT's file.
   * Entries marked `computed` were made for the file: dispose them after use.
   */
  adapterTensors(name: string): AdapterTensor[] {
    const out = this.#modelTensors(name);
    const encoder = this.prompt_encoder?.get(name);
    if (encoder) {
      const params = new Map([...encoder.namedParameters()].map(([k, p]) => [p as Tensor, k]));
      for (const t of encoder.fileTensors()) {
        const key = `base_model.prompt_encoder.${name}${t.computed ? '' : `.${params.get(t.tensor)}`}`;
        out.push({ key, fileKey: t.fileKey, tensor: t.tensor, computed: t.computed });
      }
    }
    return out;
  }

  /** Every parameter adapter `name` trains, by in-memory name (a projected prefix's MLP included, which its file holds only as output). */
  adapterParameters(name: string): Map<string, Parameter> {
    const out = new Map(this.#modelTensors(name).map((t) => [t.key, t.tensor as Parameter]));
    for (const [k, p] of this.prompt_encoder?.get(name)?.namedParameters() ?? []) out.set(`base_model.prompt_encoder.${name}.${k}`, p);
    return out;
  }

  /** Adapter `name`'s tensors inside the model: its layers', its modules_to_save copies', and the base tensors its config trains. */
  #modelTensors(name: string): AdapterTensor[] {
    const out: AdapterTensor[] = [];
    const [mem, file] = ['base_model.model.', this.filePrefix];
    for (const [path, layer] of this.adapterLayers()) {
      for (const t of layer.adapterTensors(name)) out.push({ key: `${mem}${path}.${t.key}`, fileKey: `${file}${path}.${t.fileKey}`, tensor: t.parameter });
    }
    for (const [path, w] of this.wrappers()) {
      for (const [k, t] of w.adapterTensors(name)) out.push({ key: `${mem}${path}.modules_to_save.${name}.${k}`, fileKey: `${file}${path}.${k}`, tensor: t });
    }
    const extra = this.#method.extraTensors?.(this.model, this.config(name), this.baseParameters());
    for (const [path, t] of extra ?? []) out.push({ key: `${mem}${path}`, fileKey: `${file}${path}`, tensor: t });
    return out;
  }

  /** Every tensor owned by adapters (layers' adapter tensors and modules_to_save copies), whichever adapter. */
  adapterOwnedTensors(): Set<Tensor> {
    const owned = new Set<Tensor>();
    for (const [, layer] of this.adapterLayers()) for (const n of layer.adapterNames()) for (const t of layer.adapterTensors(n)) owned.add(t.parameter);
    for (const [, w] of this.wrappers()) for (const n of w.adapterNames()) for (const t of w.adapterTensors(n).values()) owned.add(t);
    for (const p of this.prompt_encoder?.parameters() ?? []) owned.add(p);
    return owned;
  }

  /** The base model's own parameters by path: adapter tensors and whatever sits inside modules_to_save wrappers left out. */
  baseParameters(): Map<string, Parameter> {
    const owned = this.adapterOwnedTensors();
    const wrapped = this.wrappers().map(([k]) => `${k}.`);
    const out = new Map<string, Parameter>();
    for (const [path, p] of this.model.namedParameters()) if (!owned.has(p) && !wrapped.some((w) => path.startsWith(w))) out.set(path, p);
    return out;
  }

  /** Turns gradients on for the active adapters (unless in inference mode) and off for the others. */
  #applyActive(): void {
    const trainable = (n: string) => this.#active.includes(n) && !this.#configs.get(n)?.inference_mode;
    for (const [, layer] of this.adapterLayers()) {
      layer.setActiveAdapters(this.#active);
      layer.setDisabled(this.#disabled);
      for (const n of layer.adapterNames()) layer.setAdapterTrainable(n, trainable(n));
    }
    // a modules_to_save wrapper runs one copy: the first active adapter's
    const first = this.#active[0] ?? null;
    for (const [, w] of this.wrappers()) {
      w.setDisabled(this.#disabled);
      w.setActiveAdapter(first !== null && w.adapterNames().includes(first) ? first : null);
      for (const n of w.adapterNames()) w.setAdapterTrainable(n, n === w.activeAdapter && trainable(n));
    }
    for (const [n, encoder] of this.prompt_encoder?.entries() ?? []) encoder.requiresGrad_(n === first && trainable(n));
  }

  /** Freezes every base parameter, then lets the active adapters' configs unfreeze what their method trains besides (PEFT's `_mark_only_adapters_as_trainable`). */
  #freezeBase(): void {
    const owned = this.adapterOwnedTensors();
    for (const p of this.model.parameters()) if (!owned.has(p)) p.requiresGrad_(false);
    const base = this.baseParameters();
    for (const n of this.#active) {
      const config = this.#configs.get(n);
      if (config) this.#method.markTrainable?.(this.model, config, base);
    }
  }

  /** Wraps the modules named in `modules_to_save` (PEFT's `_set_trainable`: a plain suffix match) and gives each a copy for `name`. */
  #wrapModulesToSave(name: string, config: PeftConfig): void {
    const names = (config as { modules_to_save?: string[] | null }).modules_to_save;
    if (!names || names.length === 0) return;
    const named = [...this.model.namedModules()];
    const inside = named.filter(([k, m]) => k !== '' && (m instanceof AdapterLayer || m instanceof ModulesToSaveWrapper)).map(([k]) => `${k}.`);
    for (const [key, module] of named) {
      if (key === '' || inside.some((p) => key.startsWith(p)) || !names.some((n) => key.endsWith(n))) continue;
      const wrapper = module instanceof ModulesToSaveWrapper ? module : new ModulesToSaveWrapper(module);
      if (wrapper !== module) this.model.setSubmodule(key, wrapper);
      wrapper.addAdapter(name);
    }
  }

  /** Removes adapter `name` from every layer and wrapper; layers left without adapters are unwrapped again. */
  #removeEverywhere(name: string): void {
    for (const [path, layer] of this.adapterLayers()) {
      layer.deleteAdapter(name);
      if (layer.adapterNames().length === 0) this.model.setSubmodule(path, layer.base_layer);
    }
    for (const [path, w] of this.wrappers()) {
      w.deleteAdapter(name);
      if (w.adapterNames().length === 0) this.model.setSubmodule(path, w.original_module);
    }
    this.prompt_encoder?.get(name)?.dispose();
    this.prompt_encoder?.delete(name);
  }

  /** Disposes and removes every prompt-learning encoder. */
  #clearEncoders(): void {
    for (const [n, encoder] of this.prompt_encoder?.entries() ?? []) {
      encoder.dispose();
      this.prompt_encoder!.delete(n);
    }
  }

  #checkMerge(opts: MergeOptions): void {
    if (!this.#method.canMerge)
      throw new PeftAdapterError('peft_merge_unsupported', `${this.#method.peftType} adapters cannot be merged into the base weights`);
    for (const n of opts.adapterNames ?? []) this.config(n);
  }
}

/** PEFT's task heads (`classifier`, `score` for SEQ_CLS …) added to `modules_to_save`, for methods that have the field. */
function addTaskModulesToSave(config: PeftConfig): void {
  const heads = config.task_type ? TASK_MODULES_TO_SAVE[config.task_type] : undefined;
  if (!heads || !('modules_to_save' in config)) return;
  const c = config as { modules_to_save: string[] | null };
  const list = c.modules_to_save ?? [];
  c.modules_to_save = [...list, ...heads.filter((h) => !list.includes(h))];
}
