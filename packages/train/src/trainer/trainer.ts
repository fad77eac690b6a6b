/**
 * The Trainer: HF's training loop for Graft models. It owns the loop (scopes, gradient
 * accumulation, clipping, the optimizer and schedule, the data position, checkpoints and
 * resume); the math of a step is a `TrainStep`; when to log, evaluate, save and stop is decided
 * by callbacks through control flags. Every micro-batch and every optimizer step runs in its own
 * memory scope, and values are read from the device only when the Trainer logs, so live tensors
 * stay flat over a run and a WebGPU step never waits for the GPU.
 */
import { backends, defaultGenerator, manualSeed, scope, type Tensor } from '@graft/core';
import type { DataLoader, Dataset, LoaderState, TextBatch } from '@graft/data';
import { clipGradNorm, type LrScheduler, type Optimizer, type StepContext, type TrainStep } from '@graft/nn';
import { type TrainingArguments, trainingArguments } from '../args/training-args';
import {
  dispatch,
  newControl,
  type CallbackContext,
  type CallbackEvent,
  type EventArgs,
  type TrainerCallback,
  type TrainerControl,
} from '../callbacks/callback';
import { CheckpointingCallback } from '../callbacks/checkpointing';
import { DefaultFlowCallback } from '../callbacks/default-flow';
import { EarlyStoppingCallback } from '../callbacks/early-stopping';
import { TrainerError } from '../errors';
import { memoryCheckpointStore, type CheckpointStore } from '../checkpoint/store';
import { type LogEntry, type TrainerState, initialTrainerState } from '../state/trainer-state';
import { batchSizeOf, batchToDevice } from './batch';
import { createLoader } from './data';
import { evaluationLoop, type EvaluationResult } from './evaluation';
import type { TrainableModel } from './model';
import { createOptimizer, createScheduler, trainingPlan, type TrainingPlan } from './plan';
import { RunningSums } from './running-sums';
import { defaultEvalStep, defaultTrainStep, isTensor, type TrainerEvalStep } from './steps';
import { macrotask } from './event-loop';
import { TrainerCheckpoints } from './trainer-checkpoints';
import type { PredictionOutput, TrainerOptions, TrainOutput } from './trainer-options';

export type { PredictionOutput, TrainerOptions, TrainOutput } from './trainer-options';

/** Trains, evaluates and checkpoints a model (see the file comment). */
export class Trainer<Row extends object = Record<string, unknown>, B = TextBatch> {
  readonly model: TrainableModel<B>;
  readonly args: Readonly<TrainingArguments>;
  readonly callbacks: TrainerCallback[];
  readonly store: CheckpointStore;
  readonly control: TrainerControl = newControl();
  state: TrainerState;
  optimizer: Optimizer<{ lr: number }> | null;
  scheduler: LrScheduler | null;
  /** The training loader of the current run (null before `train()`). */
  trainLoader: DataLoader<Row, B> | null = null;
  readonly #opts: TrainerOptions<Row, B>;
  readonly #trainStep: TrainStep<B>;
  readonly #evalStep: TrainerEvalStep<B>;
  readonly #checkpoints: TrainerCheckpoints<B>;
  readonly #sums = new RunningSums();
  #gradNorm: Tensor | null = null;
  #learningRates: number[] = [];
  #plan: TrainingPlan | null = null;
  #lastLogStep = 0;
  #lastEvalStep = -1;
  #loggedLoss = 0;
  #epochEndDone = false;
  #lastYield = 0;

  constructor(opts: TrainerOptions<Row, B>) {
    if (!opts || typeof opts !== 'object') throw new TrainerError('trainer_config', 'new Trainer(options) needs an options object with at least a model');
    if (!opts.model || typeof opts.model.call !== 'function')
      throw new TrainerError('trainer_config', 'Trainer: options.model must be an nn Module whose call(batch) returns { loss, logits }');
    if (opts.parameterGroups !== undefined && opts.optimizer !== undefined)
      throw new TrainerError(
        'trainer_config',
        'Trainer: give options.optimizer or options.parameterGroups, not both (the groups are for the default optimizer)',
      );
    if (opts.collate !== undefined && typeof opts.collate !== 'function')
      throw new TrainerError('trainer_config', "Trainer: options.collate must be a function from rows to a batch (e.g. @graft/data's padCollate)");
    this.#opts = opts;
    this.model = opts.model;
    this.args = trainingArguments(opts.args ?? {});
    this.store = opts.store ?? memoryCheckpointStore();
    this.optimizer = opts.optimizer ?? null;
    this.scheduler = opts.scheduler ?? null;
    this.#trainStep = opts.trainStep ?? defaultTrainStep(this.model);
    this.#evalStep = opts.evalStep ?? defaultEvalStep(this.model);
    const tokenizer = opts.tokenizerFiles instanceof Map ? opts.tokenizerFiles : new Map(Object.entries(opts.tokenizerFiles ?? {}));
    this.#checkpoints = new TrainerCheckpoints(this, tokenizer, opts.frameworkVersions ?? {});
    const a = this.args;
    const builtIn: TrainerCallback[] = [new DefaultFlowCallback(), new CheckpointingCallback()];
    if (a.earlyStoppingPatience !== null) builtIn.push(new EarlyStoppingCallback({ patience: a.earlyStoppingPatience, threshold: a.earlyStoppingThreshold }));
    this.callbacks = [...builtIn, ...(opts.callbacks ?? [])];
    this.state = this.#freshState(null);
  }

  /** A state at step 0 (HF's Trainer starts every run from one). */
  #freshState(plan: TrainingPlan | null): TrainerState {
    const p = plan ?? { maxSteps: 0, numEpochs: 0, loggingSteps: 0, evalSteps: 0, saveSteps: 0 };
    const a = this.args;
    const trainBatchSize = a.perDeviceTrainBatchSize * a.gradientAccumulationSteps;
    const { maxSteps, numEpochs: numTrainEpochs, loggingSteps, evalSteps, saveSteps } = p;
    return initialTrainerState({ maxSteps, numTrainEpochs, trainBatchSize, loggingSteps, evalSteps, saveSteps });
  }

  /** The context callbacks get. */
  context(): CallbackContext {
    return { args: this.args, state: this.state, control: this.control, learningRates: this.#learningRates, stepsPerEpoch: this.#plan?.stepsPerEpoch ?? 0 };
  }

  /** Runs `event` on every callback. */
  async emit<E extends CallbackEvent>(event: E, ...extra: EventArgs<E>): Promise<void> {
    await dispatch(this.callbacks, event, this.context(), ...extra);
  }

  /** Appends `entry` (with the current epoch and step) to `log_history` and hands it to every `onLog`. */
  async log(entry: Record<string, number>): Promise<void> {
    const full: LogEntry = { ...entry, epoch: this.state.epoch, step: this.state.globalStep };
    this.state.logHistory.push(full);
    await this.emit('onLog', full);
  }

  /** Whether the current epoch's end (its log, evaluation and save) was handled; checkpoints record it, so a resume neither repeats nor skips it. */
  get epochEndDone(): boolean {
    return this.#epochEndDone;
  }

  /** Moves the model to `args.device`; a device without a backend is an error that says how to register one. */
  async #prepareDevice(): Promise<string> {
    const device = this.args.device;
    if (!backends.has(device)) {
      throw new TrainerError(
        'trainer_device_unavailable',
        `device '${device}' has no registered backend: call \`await registerWebGPU()\` from '@graft/core/webgpu' first (it returns null where there is no WebGPU adapter), or train with device 'cpu'`,
      );
    }
    if (this.model.parameters().some((p) => p.device !== device)) await this.model.toAsync(device);
    return device;
  }

  /**
   * Trains for `numTrainEpochs` (or `maxSteps`), evaluating, logging and saving by strategy.
   * `resumeFromCheckpoint`: `true` for the latest checkpoint in the store, or a checkpoint's name
   * (`checkpoint-500`, or a path ending in it); the run then continues exactly where it was.
   */
  async train(opts: { resumeFromCheckpoint?: boolean | string } = {}): Promise<TrainOutput> {
    const a = this.args;
    const dataset = this.#opts.trainDataset;
    if (!dataset) throw new TrainerError('trainer_config', 'Trainer.train() needs options.trainDataset');
    if (a.evalStrategy !== 'no' && !this.#opts.evalDataset) {
      throw new TrainerError(
        'trainer_config',
        `evalStrategy is '${a.evalStrategy}' but there is no evalDataset: pass options.evalDataset, or set evalStrategy to 'no'`,
      );
    }
    const device = await this.#prepareDevice();
    const loader = createLoader(dataset, {
      batchSize: a.perDeviceTrainBatchSize,
      shuffle: true,
      seed: a.dataSeed ?? a.seed,
      dropLast: a.dataloaderDropLast,
      collate: this.#opts.collate,
      groupByLength: a.groupByLength,
    });
    this.trainLoader = loader;
    const plan = (this.#plan = trainingPlan(a, loader.length));
    const optimizer = (this.optimizer ??= createOptimizer(this.model, a, this.#opts.parameterGroups));
    this.scheduler ??= createScheduler(optimizer, a, plan);
    this.state = this.#freshState(plan);
    Object.assign(this.control, newControl());
    manualSeed(a.seed);
    let startEpoch = 0;
    let resumeAt: LoaderState | null = null;
    const checkpoint = await this.#checkpoints.resolve(opts.resumeFromCheckpoint ?? false);
    if (checkpoint) {
      const r = await this.#checkpoints.restore(checkpoint, plan);
      startEpoch = r.loaderState.epoch + (r.epochEndDone ? 1 : 0);
      resumeAt = r.epochEndDone ? null : r.loaderState;
    }
    const startStep = this.state.globalStep;
    this.#lastLogStep = startStep;
    this.#lastEvalStep = -1;
    this.#loggedLoss = 0;
    this.#sums.reset();
    this.model.train();
    // gradients left by an interrupted run in this process would add to the first step's (HF zeroes them too)
    optimizer.zeroGrad();
    try {
      return await this.#loop(plan, startEpoch, resumeAt, startStep, device);
    } catch (e) {
      this.#sums.reset();
      this.#gradNorm?.dispose();
      this.#gradNorm = null;
      throw e;
    }
  }

  /** The epochs and steps of `train()`. */
  async #loop(plan: TrainingPlan, startEpoch: number, resumeAt: LoaderState | null, startStep: number, device: string): Promise<TrainOutput> {
    const a = this.args;
    const loader = this.trainLoader!;
    const optimizer = this.optimizer!;
    const scheduler = this.scheduler!;
    let samples = 0;
    const started = performance.now();
    await this.emit('onTrainBegin');
    const params = optimizer.paramGroups.flatMap((g) => g.params);
    for (let epoch = startEpoch; epoch < plan.numEpochs && !this.control.shouldStop; epoch++) {
      this.#epochEndDone = false;
      if (resumeAt && resumeAt.epoch === epoch) loader.loadState(resumeAt);
      else loader.setEpoch(epoch);
      const batches = loader.length;
      let batchIndex = loader.state().batchIndex;
      this.state.epoch = epoch + batchIndex / batches;
      await this.emit('onEpochBegin');
      const it = loader[Symbol.iterator]();
      while (batchIndex < batches && !this.control.shouldStop && !this.control.shouldEpochStop) {
        // the window of micro-batches this optimizer step averages over (shorter at an epoch's end)
        const windowStart = batchIndex - (batchIndex % a.gradientAccumulationSteps);
        const window = Math.min(a.gradientAccumulationSteps, batches - windowStart);
        for (let micro = batchIndex - windowStart; micro < window; micro++) {
          const n = this.#microStep(it, device, {
            globalStep: this.state.globalStep,
            epoch,
            microStep: micro,
            accumulationSteps: window,
            totalSteps: plan.maxSteps,
            training: true,
            generator: defaultGenerator(),
          });
          if (n < 0) throw new TrainerError('trainer_config', `the training loader ended after ${batchIndex} batches, but its length is ${batches}`);
          samples += n;
          batchIndex += 1;
        }
        this.#optimizerStep(params, optimizer, scheduler);
        this.state.globalStep += 1;
        this.state.epoch = epoch + batchIndex / batches;
        await this.emit('onStepEnd');
        await this.#maybeLogSaveEvaluate();
        await this.#yieldToEventLoop();
      }
      this.control.shouldEpochStop = false;
      await this.emit('onEpochEnd');
      this.#epochEndDone = true;
      await this.#maybeLogSaveEvaluate();
    }
    return this.#finish(startStep, samples, started);
  }

  /** One micro-batch: forward, backward (gradients add up across the window), the loss summed for logging. Returns the batch size, or -1 at the loader's end. */
  #microStep(it: Iterator<B>, device: string, ctx: StepContext): number {
    return scope(() => {
      const next = it.next();
      if (next.done) return -1;
      const batch = batchToDevice(next.value, device);
      const out = this.#trainStep(batch, ctx);
      if (!out || !isTensor(out.loss)) throw new TrainerError('trainer_step_output', 'the train step must return { loss: Tensor }');
      const scale = 1 / ctx.accumulationSteps;
      (scale === 1 ? out.loss : out.loss.mul(scale)).backward();
      this.#sums.add('loss', out.loss, scale);
      for (const [k, v] of Object.entries(out.metrics ?? {})) this.#sums.add(k, v, scale);
      return batchSizeOf(batch);
    });
  }

  /** Clip, step, zero the gradients, advance the schedule; the gradient norm stays on the device until a log reads it. */
  #optimizerStep(params: readonly Tensor[], optimizer: Optimizer<{ lr: number }>, scheduler: LrScheduler): void {
    scope(() => {
      if (this.args.maxGradNorm > 0) {
        const norm = clipGradNorm(params as Parameters<typeof clipGradNorm>[0], this.args.maxGradNorm).keep();
        this.#gradNorm?.dispose();
        this.#gradNorm = norm;
      }
      this.#learningRates = optimizer.paramGroups.map((g) => g.lr);
      optimizer.step();
      optimizer.zeroGrad();
      scheduler.step();
    });
  }

  /** Acts on the control flags, in HF's order: log, evaluate, save. */
  async #maybeLogSaveEvaluate(): Promise<void> {
    const c = this.control;
    if (c.shouldLog) {
      c.shouldLog = false;
      await this.#logTraining();
    }
    if (c.shouldEvaluate) {
      c.shouldEvaluate = false;
      if (this.#lastEvalStep !== this.state.globalStep) {
        this.#lastEvalStep = this.state.globalStep;
        const metrics = await this.evaluate();
        // a step saved before this evaluation that it made the best is saved again, so its
        // trainer_state.json names it (HF's order is evaluate, then save; ours can differ when
        // the save strategy fires at a step's end and the evaluation at the epoch's end)
        if (this.#checkpoints.updateBest(metrics) && this.#checkpoints.isSaved(this.state.globalStep)) {
          this.#checkpoints.markStale(this.state.globalStep);
          c.shouldSave = true;
        }
      }
    }
    if (c.shouldSave) {
      c.shouldSave = false;
      await this.#checkpoints.save();
    }
  }

  /** Logs the mean loss (and step metrics) of the steps since the last log, the last gradient norm and the learning rate. */
  async #logTraining(): Promise<void> {
    const steps = this.state.globalStep - this.#lastLogStep;
    if (steps <= 0) return;
    const sums = await this.#sums.read();
    this.#sums.reset();
    this.#lastLogStep = this.state.globalStep;
    const entry: Record<string, number> = {};
    for (const [k, v] of Object.entries(sums)) entry[k] = v / steps;
    this.#loggedLoss += sums.loss ?? 0;
    if (this.#gradNorm) entry.grad_norm = await this.#gradNorm.item();
    // HF logs the rate after the scheduler's step, i.e. the one the next step will use
    entry.learning_rate = this.optimizer!.paramGroups[0].lr;
    await this.log(entry);
  }

  /** Hands control to the event loop every 50 ms, so renderers draw, sinks write and pages stay responsive. */
  async #yieldToEventLoop(): Promise<void> {
    const now = performance.now();
    if (now - this.#lastYield < 50) return;
    this.#lastYield = now;
    await macrotask();
  }

  /** The end of `train()`: the best model back if asked, the summary log, the output directory. */
  async #finish(startStep: number, samples: number, started: number): Promise<TrainOutput> {
    const rest = await this.#sums.read();
    this.#sums.reset();
    this.#loggedLoss += rest.loss ?? 0;
    this.#gradNorm?.dispose();
    this.#gradNorm = null;
    if (this.args.loadBestModelAtEnd) await this.#checkpoints.loadBest();
    const steps = this.state.globalStep - startStep;
    const runtime = (performance.now() - started) / 1000;
    const trainingLoss = steps > 0 ? this.#loggedLoss / steps : 0;
    const metrics = {
      train_runtime: Math.round(runtime * 1e4) / 1e4,
      train_samples_per_second: Math.round((samples / runtime) * 1e3) / 1e3,
      train_steps_per_second: Math.round((steps / runtime) * 1e3) / 1e3,
      total_flos: 0,
      train_loss: trainingLoss,
    };
    await this.log(metrics);
    await this.saveModel();
    await this.emit('onTrainEnd');
    return { globalStep: this.state.globalStep, trainingLoss, metrics };
  }

  /** Writes the model, tokenizer files, `training_args.json`, `trainer_state.json` and the model card to the store's root (or `dir`). */
  async saveModel(dir = ''): Promise<void> {
    await this.#checkpoints.saveModel(dir);
  }

  #evalLoader(dataset: Dataset<Row>): DataLoader<Row, B> {
    const a = this.args;
    return createLoader(dataset, {
      batchSize: a.perDeviceEvalBatchSize,
      shuffle: false,
      seed: a.dataSeed ?? a.seed,
      dropLast: false,
      collate: this.#opts.collate,
    });
  }

  async #runEvaluation(dataset: Dataset<Row>, prefix: string, collect: boolean): Promise<EvaluationResult> {
    const device = await this.#prepareDevice();
    const wasTraining = this.model.training;
    this.model.eval();
    try {
      return await evaluationLoop({
        batches: this.#evalLoader(dataset),
        step: this.#evalStep,
        device,
        globalStep: this.state.globalStep,
        epoch: Math.floor(this.state.epoch),
        computeMetrics: this.#opts.computeMetrics,
        prefix,
        collect,
      });
    } finally {
      this.model.train(wasTraining);
    }
  }

  /**
   * Evaluates on `dataset` (default: the eval dataset): `eval_loss`, the step's metrics and
   * `computeMetrics`' results, plus HF's speed metrics. The result is logged and given to
   * every `onEvaluate`.
   */
  async evaluate(dataset?: Dataset<Row>, opts: { metricKeyPrefix?: string } = {}): Promise<Record<string, number>> {
    const ds = dataset ?? this.#opts.evalDataset;
    if (!ds) throw new TrainerError('trainer_config', 'Trainer.evaluate() needs a dataset: pass one, or give options.evalDataset');
    const { metrics } = await this.#runEvaluation(ds, opts.metricKeyPrefix ?? 'eval', this.#opts.computeMetrics !== undefined);
    await this.log(metrics);
    await this.emit('onEvaluate', metrics);
    return metrics;
  }

  /** Predicts on `dataset`: every logit, the labels when the batches have them, and `test_*` metrics. Nothing is logged. */
  async predict(dataset: Dataset<Row>, opts: { metricKeyPrefix?: string } = {}): Promise<PredictionOutput> {
    if (!dataset) throw new TrainerError('trainer_config', 'Trainer.predict(dataset) needs a dataset');
    const r = await this.#runEvaluation(dataset, opts.metricKeyPrefix ?? 'test', true);
    if (!r.logits)
      throw new TrainerError('trainer_step_output', 'the evaluation step returned no logits to predict with; return { logits } from the model or the evalStep');
    return { logits: r.logits, logitsShape: r.logitsShape, labels: r.labels, metrics: r.metrics };
  }
}
