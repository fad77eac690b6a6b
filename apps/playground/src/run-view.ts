/**
 * What the page knows about a run, folded from the worker's events: its state, where it is, its
 * speed and time left, and its log (training losses and evaluations, as the Trainer logged them).
 * Pure data and one reducer, so the page's bookkeeping is tested without a browser.
 */
import type { ProgressEvent } from '@graft/train';
import type { RunInfo, RunSpec, WorkerEvent } from './protocol';

/** One logged point (the Trainer's `log_history` entry). */
export type LogPoint = { step: number; epoch?: number } & Partial<Record<'loss' | 'learning_rate' | 'eval_loss' | 'eval_accuracy' | 'eval_f1', number>>;

/** A run as the page shows it. */
export interface RunView {
  spec: RunSpec;
  info: RunInfo | null;
  state: 'starting' | 'running' | 'paused' | 'saving' | 'done' | 'cancelled' | 'failed';
  step: number;
  totalSteps: number;
  epoch: number;
  etaSeconds: number | null;
  samplesPerSecond: number | null;
  /** The step of the latest checkpoint in browser storage. */
  checkpointStep: number | null;
  history: LogPoint[];
  /** Unfrozen stages of gradual unfreezing, as they opened. */
  unfrozen: { stage: number; step: number }[];
}

/** A new run's view. */
export function newRunView(spec: RunSpec, history: LogPoint[] = [], step = 0): RunView {
  return {
    spec,
    info: null,
    state: 'starting',
    step,
    totalSteps: 0,
    epoch: 0,
    etaSeconds: null,
    samplesPerSecond: null,
    checkpointStep: null,
    history,
    unfrozen: [],
  };
}

/** A log entry as a point (the numbers the page draws; anything else is left out). */
export function logPoint(entry: Readonly<Record<string, number>>): LogPoint {
  const point: LogPoint = { step: entry.step ?? 0, epoch: entry.epoch };
  for (const k of ['loss', 'learning_rate', 'eval_loss', 'eval_accuracy', 'eval_f1'] as const) if (typeof entry[k] === 'number') point[k] = entry[k];
  return point;
}

/** The view after a progress event. */
function applyProgress(run: RunView, e: ProgressEvent): RunView {
  switch (e.kind) {
    case 'train_begin':
      // a resumed run's history up to its checkpoint came with it; later entries are from the run that was cut off
      return { ...run, state: 'running', step: e.step, totalSteps: e.totalSteps, history: run.history.filter((p) => p.step <= e.step) };
    case 'step':
      return { ...run, step: e.step, totalSteps: e.totalSteps, epoch: e.epoch, etaSeconds: e.etaSeconds, samplesPerSecond: e.samplesPerSecond };
    case 'log': {
      const p = logPoint(e.entry as Record<string, number>);
      if (p.loss === undefined && p.eval_loss === undefined) return run;
      return { ...run, history: [...run.history, p] };
    }
    case 'save':
      return { ...run, checkpointStep: e.step };
    case 'train_end':
      return { ...run, step: e.step, etaSeconds: 0 };
    default:
      return run;
  }
}

/** The view after a worker event about this run. */
export function reduceRun(run: RunView, event: WorkerEvent): RunView {
  if (event.type === 'progress') return applyProgress(run, event.event);
  if (event.type === 'state') return { ...run, state: event.state };
  if (event.type === 'started') return { ...run, info: event.info };
  if (event.type === 'unfreeze') return { ...run, unfrozen: [...run.unfrozen, { stage: event.stage, step: event.step }] };
  return run;
}

/** The last evaluation accuracy of a run, or null. */
export function lastAccuracy(run: RunView): number | null {
  for (let i = run.history.length - 1; i >= 0; i--) if (run.history[i].eval_accuracy !== undefined) return run.history[i].eval_accuracy!;
  return null;
}
