/**
 * PreTrainedModel: what every BERT-family model shares. It is an @graft/nn `Module` taking one
 * inputs object (see model-io.ts), whose field names are the checkpoint's, so `stateDict()` keys
 * are transformers' keys. It knows its config, its architecture name, its base model's prefix
 * (`bert`), which keys are tied to others (MLM decoders share the word embeddings), which keys a
 * checkpoint may lack (heads and the pooler, initialised fresh), and how to write itself as the
 * files transformers' `save_pretrained` writes.
 */
import { defaultGenerator, type Generator } from '@graft/core';
import { Module } from '@graft/nn';
import type { ConfigClass, PretrainedConfig } from '../config/pretrained-config';
import type { ModelFilesLike } from '../files/model-files';
import { loadPretrained } from '../loading/load-pretrained';
import type { FromPretrainedOptions, LoadingInfo } from '../loading/loading-info';
import { pretrainedFiles, pretrainedFilesAsync, type SaveOptions } from '../loading/save-pretrained';
import { initParameter } from './init-weights';
import type { ModelInputs, ModelOutput } from './model-io';

/** The tasks a model type may provide (each a head on the base model). */
export type ModelTask = 'base' | 'sequence-classification' | 'masked-lm' | 'token-classification' | 'question-answering';

/** Options of a model's constructor. */
export interface ModelOptions {
  /**
   * Initialise the parameters as transformers does (N(0, initializer_range) …; default true).
   * `false` leaves them zero, for a model whose weights are loaded next.
   */
  init?: boolean;
  /** The generator initialisation draws from (the global one when omitted). */
  generator?: Generator;
}

/** A model of any output type (`PreTrainedModel` is invariant in its output, like `Module`). */
// biome-ignore lint/suspicious/noExplicitAny: a model of any output type (base models return BaseModelOutput, heads ModelOutput)
export type AnyPreTrainedModel = PreTrainedModel<PretrainedConfig, any>;

/** The static side of a model class: what the registry and `fromPretrained` need. */
export interface ModelClass<M extends AnyPreTrainedModel = AnyPreTrainedModel> {
  new (config: never, opts?: ModelOptions): M;
  /** The class name transformers writes into `architectures` (`BertForSequenceClassification`). */
  readonly architecture: string;
  readonly task: ModelTask;
  /** The field holding the base model in task models, and the checkpoint's key prefix (`bert`). */
  readonly baseModelPrefix: string;
  readonly configClass: ConfigClass;
}

/** The base of every model. `O` is what `call` returns. */
export abstract class PreTrainedModel<C extends PretrainedConfig = PretrainedConfig, O = ModelOutput> extends Module<[ModelInputs], O> {
  static readonly architecture: string = '';
  static readonly task: ModelTask = 'base';
  static readonly baseModelPrefix: string = '';
  static readonly configClass: ConfigClass;

  /** The configuration (config.json's fields). */
  readonly config: C;
  /** What `fromPretrained` found: missing, unexpected, newly initialised and mismatched keys (null for a fresh model). */
  loadingInfo: LoadingInfo | null = null;

  constructor(config: C) {
    super();
    this.config = config;
  }

  /** Loads a model of this class from config.json + safetensors files (see `fromPretrained`). */
  static fromPretrained<M extends AnyPreTrainedModel>(this: ModelClass<M>, files: ModelFilesLike, opts: FromPretrainedOptions = {}): Promise<M> {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class it is called on (BertForMaskedLM.fromPretrained loads a BertForMaskedLM)
    return loadPretrained(this, files, opts);
  }

  /** The architecture name written to config.json (`BertForSequenceClassification`). */
  get architecture(): string {
    return (this.constructor as unknown as ModelClass).architecture;
  }

  /** Whether this is a base model (its keys carry no `bert.` prefix). */
  get isBaseModel(): boolean {
    return (this.constructor as unknown as ModelClass).task === 'base';
  }

  /**
   * Keys whose tensor is another key's (`alias → source`): transformers stores only the source,
   * and a checkpoint need not hold the alias. Empty unless the model ties weights.
   */
  tiedWeights(): Record<string, string> {
    return {};
  }

  /**
   * Whether a checkpoint may lack `key` (it is then initialised fresh and reported): the task
   * head and the pooler. A missing backbone tensor is an error instead.
   */
  isHeadKey(key: string): boolean {
    const prefix = (this.constructor as unknown as ModelClass).baseModelPrefix;
    if (this.isBaseModel) return key.startsWith('pooler.');
    return !key.startsWith(`${prefix}.`) || key.startsWith(`${prefix}.pooler.`);
  }

  /**
   * Initialises the parameters at `keys` (all when omitted) as transformers' `_init_weights`,
   * drawing from `generator` (the global one when omitted) in module order.
   */
  initWeights(keys?: ReadonlySet<string>, generator: Generator = defaultGenerator()): void {
    const std = this.config.initializer_range;
    const aliases = new Set(Object.keys(this.tiedWeights()));
    for (const [path, m] of this.namedModules()) {
      for (const [name, p] of m.namedOwnParameters()) {
        const key = path ? `${path}.${name}` : name;
        if (aliases.has(key) || (keys && !keys.has(key))) continue;
        this.initParameter(m, name, p, std, generator);
      }
    }
  }

  /** Initialises one parameter (models with special parameters, like sinusoidal positions, override it). */
  protected initParameter(...args: Parameters<typeof initParameter>): void {
    initParameter(...args);
  }

  /** Runs `initWeights()` unless `opts.init` is false; task models call it at the end of their constructor. */
  protected postInit(opts: ModelOptions): void {
    if (opts.init !== false) this.initWeights(undefined, opts.generator);
  }

  /**
   * config.json and model.safetensors as transformers' `save_pretrained` writes them: tied
   * aliases left out, `architectures` and `dtype` set. Reads the parameters synchronously, so the
   * model must be on the CPU; on another device use {@link toPretrainedFilesAsync}.
   */
  toPretrainedFiles(opts: SaveOptions = {}): Map<string, Uint8Array> {
    return pretrainedFiles(this, opts);
  }

  /** {@link toPretrainedFiles} from any device. */
  toPretrainedFilesAsync(opts: SaveOptions = {}): Promise<Map<string, Uint8Array>> {
    return pretrainedFilesAsync(this, opts);
  }
}
