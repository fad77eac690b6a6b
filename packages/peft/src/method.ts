/**
 * The contract of a PEFT method plugin. A method is registered under PEFT's `peft_type` tag and
 * says: which config fields it has (with PEFT's defaults and checks), which modules it adapts by
 * default per `model_type`, and how it adapts one module (wrap it in its `AdapterLayer`, or add
 * an adapter to a layer it wrapped before). Everything else, from target matching to freezing,
 * `modules_to_save`, switching, disabling, merging and the adapter files, is shared and comes
 * for free. A method that adapts something other than matched modules (prompt tuning, say)
 * replaces the module loop with its own `inject`.
 */
import type { Generator, Tensor } from '@graft/core';
import type { AnyModule, Parameter } from '@graft/nn';
import type { FieldSpecs } from './config/fields';
import type { PeftConfig } from './config/peft-config';
import type { AdapterLayer } from './tuners/adapter-layer';
import type { PromptEncoder } from './tuners/prompt-encoder';

/** What injecting one adapter into a model knows. */
export interface InjectContext<C extends PeftConfig = PeftConfig> {
  /** The base model (module paths are relative to it). */
  model: AnyModule;
  adapterName: string;
  /** The adapter's config; injection may complete it (resolved `target_modules`, as PEFT does). */
  config: C;
  /** Initialise the new tensors as the config says; false when weights are loaded next (nothing is drawn from a generator). */
  init: boolean;
  /** The generator initialisation draws from (the global one when undefined). */
  generator: Generator | undefined;
  /** Where warnings go (PEFT's `warnings.warn`). */
  warn: (message: string) => void;
}

/** What adapting one matched module knows. */
export interface AdaptContext<C extends PeftConfig = PeftConfig> extends InjectContext<C> {
  /** The module's dotted path in the base model. */
  key: string;
}

/** What running a prompt-learning adapter knows. */
export interface PromptForwardContext<C extends PeftConfig = PeftConfig> {
  /** The base model (its own call runs the prepared inputs). */
  model: AnyModule;
  /** The active adapter's encoder. */
  encoder: PromptEncoder;
  config: C;
  /** The model's call arguments, as the PeftModel received them. */
  args: unknown[];
  /** Where warnings go (PEFT's `warnings.warn`). */
  warn: (message: string) => void;
}

/**
 * A prompt-learning method (PEFT's `is_prompt_learning`): each adapter is an encoder the
 * TunerModel keeps beside the model (`prompt_encoder.<adapter>`), and the forward pass prepares
 * the model's inputs from the active one. One adapter runs at a time, as in PEFT.
 */
export interface PromptLearning<C extends PeftConfig = PeftConfig> {
  /**
   * Builds adapter `ctx.adapterName`'s encoder, completing the config from the model first
   * (PEFT's `_prepare_prompt_learning_config`: layers, heads, widths); initialised unless
   * `ctx.init` is false (weights are loaded next).
   */
  createEncoder(ctx: InjectContext<C>): PromptEncoder;
  /** Runs the model with the encoder's prompt: what the PeftModel's call returns while the adapter is active. */
  forward(ctx: PromptForwardContext<C>): unknown;
}

/** A PEFT method: register it with `registerPeftMethod`. `C` is its config type. */
export interface PeftMethod<C extends PeftConfig = PeftConfig> {
  /** PEFT's `peft_type` tag (`'LORA'`): the registry key and what adapter_config.json says. */
  readonly peftType: string;
  /** The method's config fields (the common ones, `task_type` and friends, are added). */
  readonly fields: FieldSpecs;
  /** Checks across fields, after each field passed its own check; throws `PeftConfigError`. */
  validate?(config: C, where: string): void;
  /** `target_modules` when the config leaves it null, by `model_type` (PEFT's `TRANSFORMERS_MODELS_TO_*_TARGET_MODULES_MAPPING`). */
  readonly defaultTargetModules?: Readonly<Record<string, readonly string[]>>;
  /** Completes the config from the model before the module loop (IA³'s default `feedforward_modules`). */
  prepareConfig?(config: C, model: AnyModule): void;
  /** Whether its adapters can be merged into the base weights. */
  readonly canMerge: boolean;
  /**
   * Adapts one module the config selects: returns a new adapter layer wrapping `target` (which
   * then replaces it in the model), or `target` itself after adding the adapter to it (when it
   * is already this method's layer). Throws `PeftTargetError('peft_target_unsupported')` for a
   * module type the method cannot adapt.
   */
  adaptModule?(target: AnyModule, ctx: AdaptContext<C>): AdapterLayer;
  /**
   * When `target_modules` is null and the model type has no default: whether the method adapts
   * this module anyway (BitFit adapts every module with a bias). Without it, the config must
   * name its targets.
   */
  selectsByDefault?(key: string, module: AnyModule, config: C): boolean;
  /** Replaces the shared module loop (methods that do not wrap matched modules). */
  inject?(ctx: InjectContext<C>): void;
  /** Makes this a prompt-learning method: adapters are encoders beside the model that prepare its inputs (no module loop). */
  readonly promptLearning?: PromptLearning<C>;
  /**
   * Unfreezes base-model parameters the method trains besides its own (LoRA's `bias`), called
   * after the base is frozen with `base`: the base model's own parameters by path (adapter
   * tensors and modules_to_save internals left out).
   */
  markTrainable?(model: AnyModule, config: C, base: ReadonlyMap<string, Parameter>): void;
  /**
   * Base-model tensors an adapter file holds besides the adapter layers' and modules_to_save's
   * (LoRA's `bias: 'all'`), by path in the base model (`base` as for `markTrainable`); they are
   * saved and loaded under `base_model.model.<path>`.
   */
  extraTensors?(model: AnyModule, config: C, base: ReadonlyMap<string, Parameter>): Map<string, Tensor>;
}
