/**
 * What the worker holds between requests: the device, the loaded model files and tokenizer, the
 * tokenized data, one classifier built from the base model for the data's labels, and the runs.
 * LoRA runs are named adapters on that one classifier (a PeftModel), so they share its weights
 * and switch in place (hot swap); full fine-tuning changes every weight, so each full run trains
 * a copy of its own, loaded again from the cached bytes.
 */
import type { AnyModule } from '@graft/nn';
import { type AnyPreTrainedModel, fromPretrained } from '@graft/models';
import { getPeftModel, type PeftConfigInput, type PeftModel } from '@graft/peft';
import type { DataOptions, DeviceInfo, LoraSettings, RunInfo, RunSpec } from '../protocol';
import type { LoadedData } from './data-source';
import { PlaygroundError } from './errors';
import type { LoadedModel } from './model-source';

/** A model a run trained or trains. */
export interface RunEntry {
  spec: RunSpec;
  info: RunInfo;
  /** The model it runs: the shared PeftModel for adapters, a model of its own otherwise. */
  model: AnyModule;
}

/** The seed the classifier's new head and pooler are drawn from (an adapter carries both, so nothing depends on it). */
export const HEAD_SEED = 0;

/** PEFT's LoRA config for a run, on a sequence classifier. A pooler the checkpoint lacked is trained and saved with the adapter. */
export function loraConfig(lora: LoraSettings, newlyInitialized: readonly string[]): PeftConfigInput {
  // a freshly drawn pooler would differ in every framework that loads the adapter, so it goes into the adapter's files
  const pooler = newlyInitialized.some((k) => /(^|\.)pooler\./.test(k));
  return {
    peft_type: 'LORA',
    task_type: 'SEQ_CLS',
    r: lora.r,
    lora_alpha: lora.alpha,
    lora_dropout: lora.dropout,
    target_modules: lora.targets === 'all-linear' ? 'all-linear' : [...lora.targets],
    modules_to_save: pooler ? ['pooler'] : null,
  };
}

/** Parameter counts of a module: those that train, and all. */
export function parameterCounts(model: AnyModule): { trainable: number; total: number } {
  let trainable = 0;
  let total = 0;
  for (const p of model.parameters()) {
    total += p.size;
    if (p.requiresGrad) trainable += p.size;
  }
  return { trainable, total };
}

/** The worker's state (see the file comment). */
export class Session {
  device: DeviceInfo | null = null;
  model: LoadedModel | null = null;
  data: LoadedData | null = null;
  /** How the data was read (the maximum length applies to predictions too). */
  dataOptions: DataOptions | null = null;
  readonly runs = new Map<string, RunEntry>();
  /** The run training now, if any. */
  training: string | null = null;
  #classifier: AnyPreTrainedModel | null = null;
  #peft: PeftModel | null = null;

  /** The loaded model, or an error saying to load one. */
  requireModel(): LoadedModel {
    if (!this.model) throw new PlaygroundError('no_model', 'no model is loaded: load the embedded checkpoint, a Hub model or your own files first');
    return this.model;
  }

  /** The loaded data, or an error saying to load some. */
  requireData(): LoadedData {
    if (!this.data) throw new PlaygroundError('no_data', 'no data is loaded: load the SST-2 sample or a file of your own first');
    return this.data;
  }

  /** Refuses work that would change models while a run trains. */
  requireIdle(what: string): void {
    if (this.training)
      throw new PlaygroundError('run_busy', `${what} has to wait: run '${this.training}' is training (pause does not count; cancel it or let it finish)`);
  }

  /** Drops the classifier and every run (a new model, or data with other labels). */
  reset(): void {
    this.#peft = null;
    this.#classifier = null;
    this.runs.clear();
  }

  /** A new classifier from the base model's bytes, on the current device, for the data's labels. */
  async freshClassifier(): Promise<AnyPreTrainedModel> {
    const model = this.requireModel();
    const data = this.requireData();
    return fromPretrained(model.files, {
      task: 'sequence-classification',
      id2label: data.info.labels,
      // a checkpoint fine-tuned for other labels gets a new head instead of an error
      ignoreMismatchedSizes: true,
      seed: HEAD_SEED,
      device: this.device?.backend ?? 'cpu',
    });
  }

  /** The shared classifier the adapters sit on. */
  async classifier(): Promise<AnyPreTrainedModel> {
    this.#classifier ??= await this.freshClassifier();
    return this.#classifier;
  }

  /** The shared PeftModel with adapter `spec.name` added and active (the first adapter creates it). */
  async addAdapter(spec: RunSpec): Promise<PeftModel> {
    const base = await this.classifier();
    const config = loraConfig(spec.lora, base.loadingInfo?.newlyInitialized ?? []);
    if (!this.#peft) this.#peft = getPeftModel(base, config, { adapterName: spec.name, warn: () => {} });
    else {
      this.#peft.addAdapter(spec.name, config);
      this.#peft.setAdapter(spec.name);
    }
    return this.#peft;
  }

  /** The PeftModel (null before the first adapter). */
  get peft(): PeftModel | null {
    return this.#peft;
  }

  /** The run `name`, or an error listing the runs. */
  run(name: string): RunEntry {
    const run = this.runs.get(name);
    if (!run) throw new PlaygroundError('run_unknown', `there is no run '${name}' (runs: ${[...this.runs.keys()].join(', ') || 'none yet'})`);
    return run;
  }

  /** Makes run `name`'s model the one that answers: for an adapter, switches the shared model to it. */
  activate(name: string): AnyModule {
    const run = this.run(name);
    if (run.info.adapter) this.#peft!.setAdapter(name);
    return run.model;
  }
}
