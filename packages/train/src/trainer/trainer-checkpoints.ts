/**
 * The Trainer's checkpoint work: finding the checkpoint to resume from, restoring it, writing
 * `checkpoint-<step>` directories (and rotating them by `saveTotalLimit`, never deleting the
 * best), tracking the best metric, loading the best model at the end, and writing the output
 * directory (final model, arguments, state, model card).
 */
import type { LrScheduler, Optimizer } from '@graft/nn';
import type { TrainingArguments } from '../args/training-args';
import { trainingArgumentsToJson } from '../args/training-args-json';
import { callbackName, type CallbackEvent, type EventArgs, type TrainerCallback } from '../callbacks/callback';
import { checkpointFiles, loadModelWeights, modelFiles, readModelTensors, restoreCheckpoint } from '../checkpoint/checkpoint-files';
import { modelCard } from '../checkpoint/model-card';
import { checkpointName, checkpointsToDelete, sortedCheckpoints } from '../checkpoint/rotation';
import type { CheckpointStore } from '../checkpoint/store';
import { CheckpointError, TrainerError } from '../errors';
import { type TrainerState, trainerStateToJson } from '../state/trainer-state';
import { runtimeVersion, VERSION } from '../version';
import type { LoaderState } from '@graft/data';
import type { TrainableModel } from './model';
import type { TrainingPlan } from './plan';

/** What of the Trainer this helper uses. */
export interface CheckpointHost<B> {
  readonly model: TrainableModel<B>;
  readonly args: Readonly<TrainingArguments>;
  readonly store: CheckpointStore;
  readonly callbacks: readonly TrainerCallback[];
  readonly optimizer: Optimizer<{ lr: number }> | null;
  readonly scheduler: LrScheduler | null;
  readonly trainLoader: { state(): LoaderState } | null;
  readonly epochEndDone: boolean;
  state: TrainerState;
  emit<E extends CallbackEvent>(event: E, ...extra: EventArgs<E>): Promise<void>;
}

const encoder = new TextEncoder();

/** A float as Python prints it in HF's model cards (`1e-08`, not `1e-8`). */
const pythonFloat = (v: number) => (v !== 0 && Math.abs(v) < 1e-4 ? v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2') : String(v));

/** Checkpoint bookkeeping of one Trainer. */
export class TrainerCheckpoints<B> {
  /** Steps already saved by this Trainer: the same step is not written twice… */
  readonly #saved = new Set<number>();
  /** …unless an evaluation after its save made it the best, so its trainer_state.json must be rewritten. */
  readonly #stale = new Set<number>();

  /** Marks the saved checkpoint of `step` for rewriting at the next save (see {@link save}). */
  markStale(step: number): void {
    if (this.#saved.has(step)) this.#stale.add(step);
  }

  constructor(
    readonly host: CheckpointHost<B>,
    readonly tokenizerFiles: ReadonlyMap<string, Uint8Array>,
    readonly versions: Record<string, string>,
  ) {}

  /** The checkpoint `resumeFromCheckpoint` names: `true` is the latest; a path is reduced to its last segment. */
  async resolve(resume: boolean | string): Promise<string | null> {
    if (resume === false) return null;
    const all = sortedCheckpoints(await this.host.store.list());
    if (resume === true) {
      if (all.length === 0) {
        throw new CheckpointError(
          'checkpoint_not_found',
          `resumeFromCheckpoint: true, but there is no checkpoint in the output directory ('${this.host.args.outputDir}') to resume from`,
        );
      }
      return all[all.length - 1];
    }
    if (typeof resume !== 'string' || resume === '') throw new TrainerError('trainer_config', 'resumeFromCheckpoint must be true, false or a checkpoint name');
    const name = resume
      .replace(/[/\\]+$/, '')
      .split(/[/\\]/)
      .pop()!;
    if (!all.includes(name)) {
      throw new CheckpointError(
        'checkpoint_not_found',
        `no checkpoint '${name}' in the output directory ('${this.host.args.outputDir}'); available: ${all.length ? all.join(', ') : 'none'}`,
        { checkpoint: name },
      );
    }
    return name;
  }

  /** Restores checkpoint `name` into the host and returns where the data continues. */
  async restore(name: string, plan: TrainingPlan): Promise<{ loaderState: LoaderState; epochEndDone: boolean }> {
    const h = this.host;
    const r = await restoreCheckpoint(h.store, name, { model: h.model, optimizer: h.optimizer!, scheduler: h.scheduler!, args: h.args });
    // the plan follows this run's arguments (a resumed run may train longer); the history is the checkpoint's
    h.state = {
      ...r.state,
      maxSteps: plan.maxSteps,
      numTrainEpochs: plan.numEpochs,
      loggingSteps: plan.loggingSteps,
      evalSteps: plan.evalSteps,
      saveSteps: plan.saveSteps,
    };
    for (const cb of h.callbacks) {
      const saved = r.state.statefulCallbacks[callbackName(cb)];
      if (saved && cb.loadStateDict) cb.loadStateDict(saved);
    }
    return { loaderState: r.dataState.loader, epochEndDone: r.dataState.epochEndDone };
  }

  /** The metric that ranks checkpoints, as it appears in evaluation results. */
  #metricKey(): string | null {
    const m = this.host.args.metricForBestModel;
    return m === null ? null : m.startsWith('eval_') ? m : `eval_${m}`;
  }

  /**
   * Records a new best value of `metricForBestModel` and, as HF's `_determine_best_metric` does,
   * names this step's checkpoint as the best at once. Returns whether it is a new best.
   */
  updateBest(metrics: Record<string, number>): boolean {
    const key = this.#metricKey();
    if (key === null) return false;
    const value = metrics[key];
    if (value === undefined) {
      throw new TrainerError(
        'trainer_metric_missing',
        `metricForBestModel '${this.host.args.metricForBestModel}' is not among the evaluation results (${Object.keys(metrics).join(', ')}); give computeMetrics that returns it, or choose one of these`,
      );
    }
    const s = this.host.state;
    const greater = this.host.args.greaterIsBetter ?? !key.endsWith('loss');
    if (s.bestMetric === null || (greater ? value > s.bestMetric : value < s.bestMetric)) {
      s.bestMetric = value;
      s.bestGlobalStep = s.globalStep;
      s.bestModelCheckpoint = `${this.host.args.outputDir}/${checkpointName(s.globalStep)}`;
      return true;
    }
    return false;
  }

  /** Whether this Trainer has written the checkpoint of `step`. */
  isSaved(step: number): boolean {
    return this.#saved.has(step);
  }

  /**
   * Writes `checkpoint-<step>`, rotates old ones, and runs `onSave`. A step saved already is
   * written again only when an evaluation since made it the best (its `trainer_state.json` must
   * then say so); otherwise it is not written twice.
   */
  async save(): Promise<void> {
    const h = this.host;
    const s = h.state;
    const name = checkpointName(s.globalStep);
    if (this.#saved.has(s.globalStep) && !this.#stale.has(s.globalStep)) return;
    this.#stale.delete(s.globalStep);
    s.statefulCallbacks = {};
    for (const cb of h.callbacks) if (cb.stateDict) s.statefulCallbacks[callbackName(cb)] = cb.stateDict();
    const files = await checkpointFiles({
      model: h.model,
      optimizer: h.optimizer!,
      scheduler: h.scheduler!,
      dataState: { loader: h.trainLoader!.state(), epochEndDone: h.epochEndDone },
      args: h.args,
      state: s,
      tokenizerFiles: this.tokenizerFiles,
    });
    await h.store.write(name, files);
    this.#saved.add(s.globalStep);
    const best = s.bestModelCheckpoint?.split('/').pop() ?? null;
    for (const old of checkpointsToDelete(await h.store.list(), best, h.args.saveTotalLimit)) await h.store.remove(old);
    await h.emit('onSave', name);
  }

  /** Loads the best checkpoint's weights into the model (`loadBestModelAtEnd`); nothing when none was saved. */
  async loadBest(): Promise<void> {
    const best = this.host.state.bestModelCheckpoint?.split('/').pop();
    if (!best) return;
    const tensors = await readModelTensors(this.host.store, best);
    try {
      await loadModelWeights(this.host.model, tensors, best);
    } finally {
      for (const t of tensors.values()) t.dispose();
    }
  }

  /** The evaluation results the model card headlines: the best checkpoint's when it was loaded, else the last. */
  #headlineMetrics(): Record<string, number> | null {
    const s = this.host.state;
    const evals = s.logHistory.filter((e) => Object.keys(e).some((k) => k.startsWith('eval_')));
    const atBest = this.host.args.loadBestModelAtEnd && s.bestGlobalStep !== null ? evals.filter((e) => e.step === s.bestGlobalStep).pop() : undefined;
    return atBest ?? evals.pop() ?? null;
  }

  /** Writes the model, tokenizer files, arguments, state and model card into `dir` of the store. */
  async saveModel(dir: string): Promise<void> {
    const h = this.host;
    const files = await modelFiles(h.model, this.tokenizerFiles);
    files.set('training_args.json', encoder.encode(trainingArgumentsToJson(h.args)));
    files.set('trainer_state.json', encoder.encode(trainerStateToJson(h.state)));
    const a = h.args;
    const optimizer = a.optim === 'sgd' ? 'SGD' : `AdamW with betas=(${a.adamBeta1},${a.adamBeta2}) and epsilon=${pythonFloat(a.adamEpsilon)}`;
    const [runtime, runtimeV] = runtimeVersion();
    const card = modelCard({
      args: a,
      state: h.state,
      evalMetrics: this.#headlineMetrics(),
      optimizer: h.optimizer && h.optimizer.constructor.name !== (a.optim === 'sgd' ? 'SGD' : 'AdamW') ? h.optimizer.constructor.name : optimizer,
      versions: { '@graft/train': VERSION, ...this.versions, [runtime]: runtimeV },
      modelClass: h.model.constructor.name,
    });
    files.set('README.md', encoder.encode(card));
    await h.store.write(dir, files);
  }
}
