/**
 * One fine-tuning run in the worker: the model for its method, @graft/train's Trainer over the
 * session's tokenized data with checkpoints in browser storage, progress events for the page, and
 * pause, resume and cancel. Pausing holds the Trainer inside a step-end callback (nothing is lost,
 * the GPU idles); the clock the speed and ETA are measured with stops while paused. Cancelling
 * lets the Trainer finish the step and stop; the weights trained so far stay usable. A run that
 * ends (either way) removes its folder from storage; one that fails keeps it, so a reload can
 * resume from the last checkpoint.
 */
import { padCollate } from '@graft/data';
import type { AnyModule } from '@graft/nn';
import { applyFreezing, type Freezing, type FreezingMethod, type UnfreezeListener } from '@graft/peft';
import {
  type CallbackContext,
  classificationMetrics,
  ProgressCallback,
  type ProgressEvent,
  Trainer,
  type TrainerCallback,
  type TrainingArgumentsInput,
} from '@graft/train';
import type { RunInfo, RunSpec, WorkerEvent } from '../protocol';
import { discardRunFolder, type RunFolder } from './run-storage';
import { parameterCounts, type Session } from './session';

/** Pause, resume and cancel, as a Trainer callback the page drives. */
export class RunControl implements TrainerCallback {
  readonly name = 'PlaygroundRunControl';
  #paused: { promise: Promise<void>; resolve: () => void } | null = null;
  #pausedSince = 0;
  #pausedTotal = 0;
  cancelled = false;

  constructor(readonly onState: (state: 'running' | 'paused') => void) {}

  /** The time in milliseconds, minus the time spent paused (for speed and ETA). */
  readonly now = (): number => performance.now() - this.#pausedTotal - (this.#paused ? performance.now() - this.#pausedSince : 0);

  get paused(): boolean {
    return this.#paused !== null;
  }

  /** Holds the run at the end of the current step. */
  pause(): void {
    if (this.#paused || this.cancelled) return;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    this.#paused = { promise, resolve };
    this.#pausedSince = performance.now();
    this.onState('paused');
  }

  /** Lets a paused run go on. */
  resume(): void {
    const p = this.#paused;
    if (!p) return;
    this.#pausedTotal += performance.now() - this.#pausedSince;
    this.#paused = null;
    p.resolve();
    if (!this.cancelled) this.onState('running');
  }

  /** Stops the run after the current step (a paused run stops at once). */
  cancel(): void {
    this.cancelled = true;
    this.resume();
  }

  async onStepEnd(ctx: CallbackContext): Promise<void> {
    // a CPU step may never leave the worker's event loop (its kernels are synchronous), so the
    // page's pause and cancel would wait for the next checkpoint write: give them a turn here
    await nextTask();
    while (this.#paused) await this.#paused.promise;
    if (this.cancelled) ctx.control.shouldStop = true;
  }
}

/**
 * Resolves in a new task of the event loop, after the messages already queued. A MessageChannel,
 * not setTimeout, whose nested calls browsers clamp to 4 ms.
 */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** The Trainer's arguments for a run's settings. */
export function trainingArgs(spec: RunSpec, device: 'cpu' | 'webgpu'): TrainingArgumentsInput {
  const t = spec.train;
  return {
    outputDir: `opfs:graft-playground/run/${spec.name}`,
    learningRate: t.learningRate,
    numTrainEpochs: t.numTrainEpochs,
    maxSteps: t.maxSteps > 0 ? t.maxSteps : -1,
    perDeviceTrainBatchSize: t.batchSize,
    perDeviceEvalBatchSize: Math.max(t.batchSize, 16),
    warmupRatio: t.warmupRatio,
    weightDecay: t.weightDecay,
    loggingStrategy: 'steps',
    loggingSteps: t.loggingSteps,
    loggingFirstStep: true,
    evalStrategy: 'steps',
    evalSteps: t.evalSteps,
    saveStrategy: 'steps',
    saveSteps: t.saveSteps,
    // the store keeps the latest checkpoint only: it is what a reload resumes from
    saveTotalLimit: 1,
    seed: t.seed,
    device,
  };
}

/** A run's model, what the page shows of it, and the freezing strategy it trains with (head-only and gradual). */
export interface BuiltRun {
  model: AnyModule;
  info: RunInfo;
  freezing: Freezing | null;
}

/**
 * Builds the model a run trains (see session.ts for why adapters share one model). Head-only and
 * gradual unfreezing are @graft/peft's freezing strategies on a classifier of their own;
 * `onUnfreeze` hears each stage gradual unfreezing opens.
 */
export async function runModel(session: Session, spec: RunSpec, onUnfreeze?: UnfreezeListener): Promise<BuiltRun> {
  const own = (model: AnyModule, trainable: number, total: number, freezing: Freezing | null): BuiltRun => ({
    model,
    info: { name: spec.name, method: spec.method, trainable, total, adapter: false },
    freezing,
  });
  if (spec.method === 'lora') {
    const peft = await session.addAdapter(spec);
    const counts = peft.trainableParameters();
    return { model: peft, info: { name: spec.name, method: spec.method, trainable: counts.trainable, total: counts.all, adapter: true }, freezing: null };
  }
  const model = await session.freshClassifier();
  if (spec.method === 'full') {
    const counts = parameterCounts(model);
    return own(model, counts.trainable, counts.total, null);
  }
  const method: FreezingMethod = spec.method === 'head' ? { kind: 'head' } : { kind: 'gradual', every: spec.train.unfreezeEvery };
  const freezing = applyFreezing(model, method, { onUnfreeze });
  // for gradual unfreezing, what trains by the run's end
  const counts = freezing.counts();
  return own(model, counts.trainable, counts.all, freezing);
}

/** What a finished run returns to the page. */
export type RunResult = RunInfo & { globalStep: number; cancelled: boolean };

/**
 * Trains run `spec` (already added to the session's runs by {@link runModel}) to its end, posting
 * progress; `resume` continues from the store's latest checkpoint.
 */
export async function executeRun(
  session: Session,
  spec: RunSpec,
  model: AnyModule,
  info: RunInfo,
  folder: RunFolder,
  control: RunControl,
  resume: boolean,
  post: (event: WorkerEvent) => void,
  freezing: Freezing | null = null,
): Promise<RunResult> {
  const data = session.requireData();
  const loaded = session.requireModel();
  const device = session.device?.backend ?? 'cpu';
  const render = (event: ProgressEvent) => post({ kind: 'event', type: 'progress', run: spec.name, event });
  const trainer = new Trainer({
    model: model as ConstructorParameters<typeof Trainer>[0]['model'],
    args: trainingArgs(spec, device),
    trainDataset: data.train,
    evalDataset: data.eval,
    collate: padCollate({ padTokenId: loaded.padTokenId }),
    computeMetrics: classificationMetrics(),
    callbacks: [control, new ProgressCallback(render, { now: control.now }), ...(freezing?.callback ? [freezing.callback] : [])],
    // the optimizer holds every parameter that trains at some point (gradual unfreezing opens them later)
    parameterGroups: freezing?.parameterGroups({ lr: spec.train.learningRate, weightDecay: spec.train.weightDecay }),
    store: folder.store,
  });
  session.training = spec.name;
  post({ kind: 'event', type: 'state', run: spec.name, state: 'running' });
  try {
    const resumeFrom = resume && (await folder.store.list()).length > 0;
    const out = await trainer.train({ resumeFromCheckpoint: resumeFrom });
    model.eval();
    post({ kind: 'event', type: 'state', run: spec.name, state: control.cancelled ? 'cancelled' : 'done' });
    await discardRunFolder();
    return { ...info, globalStep: out.globalStep, cancelled: control.cancelled };
  } catch (e) {
    post({ kind: 'event', type: 'state', run: spec.name, state: 'failed' });
    throw e;
  } finally {
    session.training = null;
  }
}
