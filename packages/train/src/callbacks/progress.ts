/**
 * Progress as structured events, for any renderer (the CLI's progress bars, the plain console
 * renderer of `console-progress.ts`, a browser page): where training is, the last logged loss
 * and learning rate, and the speed and ETA from {@link ThroughputEstimator} (warm-up and
 * evaluation time left out). The callback reads nothing from the device: the loss it reports
 * is the one the Trainer logged.
 */
import type { LogEntry } from '../state/trainer-state';
import type { CallbackContext, TrainerCallback } from './callback';
import { ThroughputEstimator, type ThroughputOptions } from './throughput';

/** Training is starting (or resuming at `step`). */
export interface ProgressBegin {
  kind: 'train_begin';
  step: number;
  totalSteps: number;
  numEpochs: number;
  stepsPerEpoch: number;
}

/** An optimizer step ended. Speeds and ETA are null until the warm-up steps are past. */
export interface ProgressStep {
  kind: 'step';
  step: number;
  totalSteps: number;
  /** Fractional epoch. */
  epoch: number;
  elapsedSeconds: number;
  stepsPerSecond: number | null;
  samplesPerSecond: number | null;
  etaSeconds: number | null;
  /** The last logged training loss and learning rate (null before the first log). */
  loss: number | null;
  learningRate: number | null;
}

/** Any other moment worth showing: an epoch starting, a log, an evaluation, a checkpoint, the end. */
export type ProgressEvent =
  | ProgressBegin
  | ProgressStep
  | { kind: 'epoch_begin'; epoch: number; numEpochs: number }
  | { kind: 'log'; step: number; entry: Readonly<LogEntry> }
  | { kind: 'evaluate'; step: number; metrics: Readonly<Record<string, number>> }
  | { kind: 'save'; step: number; checkpoint: string }
  | { kind: 'train_end'; step: number; totalSteps: number; elapsedSeconds: number };

/** Something that draws progress events. */
export type ProgressRenderer = (event: ProgressEvent) => void | Promise<void>;

/** Emits {@link ProgressEvent}s to `render`. */
export class ProgressCallback implements TrainerCallback {
  readonly name = 'ProgressCallback';
  readonly #render: ProgressRenderer;
  readonly #throughput: ThroughputEstimator;
  readonly #now: () => number;
  #startedAt = 0;
  #loss: number | null = null;
  #lr: number | null = null;

  constructor(render: ProgressRenderer, opts: ThroughputOptions = {}) {
    this.#render = render;
    this.#throughput = new ThroughputEstimator(opts);
    this.#now = opts.now ?? (() => performance.now());
  }

  #elapsed(): number {
    return (this.#now() - this.#startedAt) / 1000;
  }

  /** Emits `train_begin` and starts the clock. */
  async onTrainBegin({ state, stepsPerEpoch }: CallbackContext): Promise<void> {
    this.#startedAt = this.#now();
    this.#throughput.start();
    await this.#render({ kind: 'train_begin', step: state.globalStep, totalSteps: state.maxSteps, numEpochs: state.numTrainEpochs, stepsPerEpoch });
  }

  /** Emits `epoch_begin`. */
  async onEpochBegin({ state }: CallbackContext): Promise<void> {
    await this.#render({ kind: 'epoch_begin', epoch: Math.floor(state.epoch), numEpochs: state.numTrainEpochs });
  }

  /** Emits `step` with the speed and ETA. */
  async onStepEnd({ state }: CallbackContext): Promise<void> {
    this.#throughput.step();
    const rate = this.#throughput.stepsPerSecond;
    await this.#render({
      kind: 'step',
      step: state.globalStep,
      totalSteps: state.maxSteps,
      epoch: state.epoch,
      elapsedSeconds: this.#elapsed(),
      stepsPerSecond: rate,
      samplesPerSecond: rate === null ? null : rate * state.trainBatchSize,
      etaSeconds: this.#throughput.eta(state.maxSteps - state.globalStep),
      loss: this.#loss,
      learningRate: this.#lr,
    });
  }

  /** Emits `log` and remembers the loss and learning rate. */
  async onLog({ state }: CallbackContext, entry: Readonly<LogEntry>): Promise<void> {
    if (entry.loss !== undefined) this.#loss = entry.loss;
    if (entry.learning_rate !== undefined) this.#lr = entry.learning_rate;
    await this.#render({ kind: 'log', step: state.globalStep, entry });
    this.#throughput.pause();
  }

  /** Emits `evaluate`; its time does not count as training. */
  async onEvaluate({ state }: CallbackContext, metrics: Readonly<Record<string, number>>): Promise<void> {
    await this.#render({ kind: 'evaluate', step: state.globalStep, metrics });
    this.#throughput.pause();
  }

  /** Emits `save`; its time does not count as training. */
  async onSave({ state }: CallbackContext, checkpoint: string): Promise<void> {
    await this.#render({ kind: 'save', step: state.globalStep, checkpoint });
    this.#throughput.pause();
  }

  /** Emits `train_end`. */
  async onTrainEnd({ state }: CallbackContext): Promise<void> {
    await this.#render({ kind: 'train_end', step: state.globalStep, totalSteps: state.maxSteps, elapsedSeconds: this.#elapsed() });
  }
}
