/**
 * Training arguments: Hugging Face `TrainingArguments` in camelCase, with HF's defaults and HF's
 * cross-checks (`loadBestModelAtEnd` needs matching evaluation and save strategies). Every key
 * is described once in {@link ARGUMENT_SPECS}, so validation, defaults, the key list and the
 * JSON file cannot disagree.
 */
import { TrainingArgumentsError } from '../errors';
import { ARGUMENT_SPECS, checkValue, describe, suggestKey } from './argument-specs';

/** When to log, evaluate or save: never, every N optimizer steps, or at each epoch's end. */
export type IntervalStrategy = 'no' | 'steps' | 'epoch';

/** The learning-rate schedules (HF `lr_scheduler_type` names). */
export type LrSchedulerType = 'linear' | 'cosine' | 'constant' | 'constant_with_warmup' | 'polynomial';

/** Every training argument, resolved (the Trainer always works on this form). */
export interface TrainingArguments {
  /** Where checkpoints, the final model and the model card go (HF default `trainer_output`). */
  outputDir: string;
  /** A name for the run (defaults to `outputDir`); the model card's title. */
  runName: string;
  /** Epochs to train; fractions allowed (ignored when `maxSteps > 0`). */
  numTrainEpochs: number;
  /** Optimizer steps to train; -1 trains `numTrainEpochs` epochs. */
  maxSteps: number;
  perDeviceTrainBatchSize: number;
  perDeviceEvalBatchSize: number;
  /** Micro-batches whose gradients add up before each optimizer step. */
  gradientAccumulationSteps: number;
  /** The peak learning rate (after warmup). */
  learningRate: number;
  /** Decoupled weight decay for every trainable parameter except biases and normalisation weights. */
  weightDecay: number;
  adamBeta1: number;
  adamBeta2: number;
  adamEpsilon: number;
  /** The optimizer: AdamW (HF's `adamw_torch`) or plain SGD. */
  optim: 'adamw' | 'sgd';
  /** Clips the total gradient norm to this value before each step (0 disables clipping). */
  maxGradNorm: number;
  lrSchedulerType: LrSchedulerType;
  /** Warmup as a share of all optimizer steps (used when `warmupSteps` is 0). */
  warmupRatio: number;
  /** Warmup steps; takes precedence over `warmupRatio` when positive. */
  warmupSteps: number;
  evalStrategy: IntervalStrategy;
  /** Steps between evaluations (an integer ≥ 1, or a ratio of all steps in (0, 1)); defaults to `loggingSteps`. */
  evalSteps: number | null;
  saveStrategy: IntervalStrategy;
  /** Steps between checkpoints (an integer ≥ 1, or a ratio of all steps in (0, 1)). */
  saveSteps: number;
  loggingStrategy: IntervalStrategy;
  /** Steps between logs (an integer ≥ 1, or a ratio of all steps in (0, 1)). */
  loggingSteps: number;
  /** Also log after the first optimizer step. */
  loggingFirstStep: boolean;
  /** Keep at most this many checkpoints (the best one is never deleted); null keeps all. */
  saveTotalLimit: number | null;
  /** Load the best checkpoint's weights when training ends. */
  loadBestModelAtEnd: boolean;
  /** The metric that ranks checkpoints (`eval_` is added when missing); `loss` with `loadBestModelAtEnd`. */
  metricForBestModel: string | null;
  /** Whether a larger metric is better; by default true unless the metric's name ends in `loss`. */
  greaterIsBetter: boolean | null;
  /** Stop after this many evaluations without improvement of `metricForBestModel`; null never stops early. */
  earlyStoppingPatience: number | null;
  /** How much the metric must improve to reset the patience counter. */
  earlyStoppingThreshold: number;
  /** Seeds the global generator (dropout, initialisation of new layers) at the start of training. */
  seed: number;
  /** Seeds data shuffling; null uses `seed`. */
  dataSeed: number | null;
  /** Drop the last incomplete batch of each epoch. */
  dataloaderDropLast: boolean;
  /** Batch examples of similar length together (less padding). */
  groupByLength: boolean;
  /** The device the model trains on. */
  device: 'cpu' | 'webgpu';
}

/** Training arguments as a user gives them: any subset, the rest takes HF's defaults. */
export type TrainingArgumentsInput = Partial<TrainingArguments>;

/** The names of every training argument, in declaration order. */
export const TRAINING_ARGUMENT_KEYS = Object.keys(ARGUMENT_SPECS) as (keyof TrainingArguments)[];

/** HF's defaults (`runName` and the null entries are resolved from other arguments). */
export const TRAINING_ARGUMENT_DEFAULTS: Readonly<Omit<TrainingArguments, 'runName'> & { runName: string | null }> = Object.freeze(
  Object.fromEntries(Object.entries(ARGUMENT_SPECS).map(([k, s]) => [k, s.default])) as Omit<TrainingArguments, 'runName'> & { runName: string | null },
);

/**
 * Validates `input` and completes it with HF's defaults and derived values. Unknown keys and
 * bad values throw a {@link TrainingArgumentsError} naming the key and what it accepts.
 * @example const args = trainingArguments({ learningRate: 1e-4, numTrainEpochs: 3, evalStrategy: 'epoch' });
 */
export function trainingArguments(input: TrainingArgumentsInput = {}): Readonly<TrainingArguments> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new TrainingArgumentsError('training_args_invalid_value', '(arguments)', `training arguments must be an object, got ${describe(input)}`);
  }
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(ARGUMENT_SPECS, key)) throw unknownKey(key);
  }
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(ARGUMENT_SPECS)) {
    const given = (input as Record<string, unknown>)[key];
    const value = given === undefined ? spec.default : given;
    checkValue(key, spec, value);
    out[key] = value;
  }
  const args = out as unknown as TrainingArguments;
  resolveDerived(args);
  checkConflicts(args);
  return Object.freeze(args);
}

function unknownKey(key: string): TrainingArgumentsError {
  const hint = suggestKey(key);
  return new TrainingArgumentsError(
    'training_args_unknown_key',
    key,
    `unknown training argument '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}; known arguments: ${TRAINING_ARGUMENT_KEYS.join(', ')}`,
  );
}

/** HF's `__post_init__` derivations. */
function resolveDerived(a: TrainingArguments): void {
  a.runName ??= a.outputDir;
  if (a.evalStrategy === 'steps' && a.evalSteps === null) a.evalSteps = a.loggingSteps;
  if (a.loadBestModelAtEnd && a.metricForBestModel === null) a.metricForBestModel = 'loss';
  if (a.earlyStoppingPatience !== null && a.metricForBestModel === null) a.metricForBestModel = 'loss';
  if (a.metricForBestModel !== null && a.greaterIsBetter === null) a.greaterIsBetter = !a.metricForBestModel.endsWith('loss');
}

function conflict(key: string, message: string): TrainingArgumentsError {
  return new TrainingArgumentsError('training_args_conflict', key, message);
}

/** The checks HF makes across arguments, with the fix in each message. */
function checkConflicts(a: TrainingArguments): void {
  if (a.loadBestModelAtEnd) {
    if (a.evalStrategy === 'no') {
      throw conflict('loadBestModelAtEnd', "loadBestModelAtEnd needs evaluations to rank checkpoints: set evalStrategy to 'steps' or 'epoch'");
    }
    if (a.evalStrategy !== a.saveStrategy) {
      throw conflict(
        'loadBestModelAtEnd',
        `loadBestModelAtEnd requires the save and evaluation strategies to match, got evalStrategy '${a.evalStrategy}' and saveStrategy '${a.saveStrategy}'`,
      );
    }
    if (a.evalStrategy === 'steps') {
      const evalSteps = a.evalSteps!;
      if (evalSteps < 1 !== a.saveSteps < 1) {
        throw conflict(
          'loadBestModelAtEnd',
          `loadBestModelAtEnd needs saveSteps and evalSteps both as step counts or both as ratios, got ${a.saveSteps} and ${evalSteps}`,
        );
      }
      // HF's check, with its multiplier so that ratios such as 0.2 and 0.1 compare exactly
      if (Math.round(a.saveSteps * 1e6) % Math.round(evalSteps * 1e6) !== 0) {
        throw conflict(
          'loadBestModelAtEnd',
          `loadBestModelAtEnd requires saveSteps to be a round multiple of evalSteps, got saveSteps ${a.saveSteps} and evalSteps ${evalSteps}`,
        );
      }
    }
  }
  if (a.earlyStoppingPatience !== null && a.evalStrategy === 'no') {
    throw conflict('earlyStoppingPatience', "earlyStoppingPatience counts evaluations: set evalStrategy to 'steps' or 'epoch'");
  }
  if (a.lrSchedulerType === 'polynomial' && !(a.learningRate > 1e-7)) {
    throw conflict('learningRate', `lrSchedulerType 'polynomial' decays to 1e-7, so learningRate must be larger than that, got ${a.learningRate}`);
  }
}
