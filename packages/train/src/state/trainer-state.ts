/**
 * The Trainer's progress, and `trainer_state.json` in Hugging Face's shape: the fields of
 * `transformers.TrainerState` under their snake_case names, sorted and indented as HF writes
 * them, so HF users (and `TrainerState.load_from_json`) recognise the file. In TypeScript the
 * fields are camelCase; the names are HF's again only in the file.
 */
import { CheckpointError } from '../errors';

/** One entry of `log_history`: HF keys (`loss`, `learning_rate`, `grad_norm`, `eval_*`, `epoch`, `step`, …). */
export type LogEntry = Record<string, number>;

/** What a stateful callback saves (HF's `stateful_callbacks` entries). */
export interface CallbackState {
  args: Record<string, unknown>;
  attributes: Record<string, unknown>;
}

/** Where training is. Callbacks get it read-only. */
export interface TrainerState {
  /** Fractional epoch: whole epochs done plus the share of the current one. */
  epoch: number;
  /** Optimizer steps taken. */
  globalStep: number;
  /** Optimizer steps the run will take. */
  maxSteps: number;
  /** Epochs the run spans (whole, as HF stores it). */
  numTrainEpochs: number;
  /** Examples per optimizer step on one device: the batch size times the accumulation steps. */
  trainBatchSize: number;
  /** Resolved logging, evaluation and save intervals in steps (ratios of `maxSteps` made absolute). */
  loggingSteps: number;
  evalSteps: number;
  saveSteps: number;
  /** The best value of `metricForBestModel` so far, and the step that reached it. */
  bestMetric: number | null;
  bestGlobalStep: number | null;
  /** The checkpoint holding the best model (`<outputDir>/checkpoint-<step>`), once saved. */
  bestModelCheckpoint: string | null;
  /** Every log and evaluation, in order. */
  logHistory: LogEntry[];
  /** States of stateful callbacks (early stopping's patience counter), by callback name. */
  statefulCallbacks: Record<string, CallbackState>;
}

/** A fresh state. */
export function initialTrainerState(
  fields: Pick<TrainerState, 'maxSteps' | 'numTrainEpochs' | 'trainBatchSize' | 'loggingSteps' | 'evalSteps' | 'saveSteps'>,
): TrainerState {
  return {
    epoch: 0,
    globalStep: 0,
    bestMetric: null,
    bestGlobalStep: null,
    bestModelCheckpoint: null,
    logHistory: [],
    statefulCallbacks: {},
    ...fields,
  };
}

/** `trainer_state.json` text: HF's fields, keys sorted, two-space indent (as `TrainerState.save_to_json`). */
export function trainerStateToJson(s: TrainerState): string {
  const hf: Record<string, unknown> = {
    best_global_step: s.bestGlobalStep,
    best_metric: s.bestMetric,
    best_model_checkpoint: s.bestModelCheckpoint,
    epoch: s.epoch,
    eval_steps: s.evalSteps,
    global_step: s.globalStep,
    is_hyper_param_search: false,
    is_local_process_zero: true,
    is_world_process_zero: true,
    log_history: s.logHistory.map(sortKeys),
    logging_steps: s.loggingSteps,
    max_steps: s.maxSteps,
    num_input_tokens_seen: 0,
    num_train_epochs: s.numTrainEpochs,
    save_steps: s.saveSteps,
    stateful_callbacks: s.statefulCallbacks,
    total_flos: 0,
    train_batch_size: s.trainBatchSize,
    trial_name: null,
    trial_params: null,
  };
  return `${JSON.stringify(sortKeys(hf), null, 2)}\n`;
}

function sortKeys<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]),
  ) as T;
}

/** Parses `trainer_state.json` (ours or HF's); a missing or mistyped field is a `CheckpointError` naming it. */
export function trainerStateFromJson(text: string, checkpoint?: string): TrainerState {
  const where = checkpoint ? `${checkpoint}/trainer_state.json` : 'trainer_state.json';
  const bad = (what: string) => new CheckpointError('checkpoint_invalid', `${where}: ${what}`, { checkpoint });
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw bad(`not valid JSON (${(e as Error).message})`);
  }
  if (j === null || typeof j !== 'object' || Array.isArray(j)) throw bad('must hold a JSON object');
  const num = (k: string, fallback?: number): number => {
    const v = j[k] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`field "${k}" must be a number, got ${JSON.stringify(j[k])}`);
    return v;
  };
  const numOrNull = (k: string): number | null => (j[k] === null || j[k] === undefined ? null : num(k));
  const logHistory = j.log_history ?? [];
  if (!Array.isArray(logHistory) || logHistory.some((e) => e === null || typeof e !== 'object' || Array.isArray(e))) {
    throw bad('field "log_history" must be a list of objects');
  }
  const best = j.best_model_checkpoint ?? null;
  if (best !== null && typeof best !== 'string') throw bad('field "best_model_checkpoint" must be a string or null');
  const callbacks = j.stateful_callbacks ?? {};
  if (callbacks === null || typeof callbacks !== 'object' || Array.isArray(callbacks)) throw bad('field "stateful_callbacks" must be an object');
  return {
    epoch: num('epoch'),
    globalStep: num('global_step'),
    maxSteps: num('max_steps'),
    numTrainEpochs: num('num_train_epochs'),
    trainBatchSize: num('train_batch_size', 0),
    loggingSteps: num('logging_steps', 500),
    evalSteps: num('eval_steps', 500),
    saveSteps: num('save_steps', 500),
    bestMetric: numOrNull('best_metric'),
    bestGlobalStep: numOrNull('best_global_step'),
    bestModelCheckpoint: best,
    logHistory: logHistory as LogEntry[],
    statefulCallbacks: callbacks as Record<string, CallbackState>,
  };
}
