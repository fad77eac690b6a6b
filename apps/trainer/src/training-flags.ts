/**
 * The training flags of `graft train` and `graft pretrain`, generated from @graft/train's table
 * of `TrainingArguments` (`ARGUMENT_SPECS`): one kebab-case flag per argument
 * (`learningRate` → `--learning-rate`), typed from its kind, with its choices. An argument added
 * to the Trainer is a flag without a change here, and a flag cannot exist without an argument.
 * The Trainer validates values (ranges, conflicts) with its own typed errors, which the CLI
 * reports as usage errors (exit 2).
 */
import { ARGUMENT_SPECS } from '@graft/train';
import type { OptionSpec, OptionType } from './command';
import { toCamel, toKebab } from './config-file';

/** One-line help per argument (an argument without one still gets a flag, described by its name, kind and default). */
const HELP: Record<string, string> = {
  outputDir: 'the run directory (checkpoints, best/, metrics.jsonl, report.html)',
  runName: 'a name for the run (the model card title)',
  numTrainEpochs: 'epochs to train',
  maxSteps: 'optimizer steps to train (overrides --num-train-epochs)',
  perDeviceTrainBatchSize: 'training batch size',
  perDeviceEvalBatchSize: 'evaluation batch size',
  gradientAccumulationSteps: 'micro-batches per optimizer step',
  learningRate: 'peak learning rate',
  weightDecay: 'AdamW weight decay (not on biases and LayerNorm weights)',
  adamBeta1: "AdamW's β1",
  adamBeta2: "AdamW's β2",
  adamEpsilon: "AdamW's ε",
  optim: 'the optimizer',
  maxGradNorm: 'clip the gradient norm to this (0: off)',
  lrSchedulerType: 'learning-rate schedule',
  warmupRatio: 'share of steps with linear warmup',
  warmupSteps: 'warmup steps (overrides --warmup-ratio)',
  evalStrategy: 'when to evaluate',
  evalSteps: 'steps between evaluations (or a ratio of all steps) with --eval-strategy steps',
  saveStrategy: 'when to write checkpoints',
  saveSteps: 'steps between checkpoints (or a ratio of all steps) with --save-strategy steps',
  loggingStrategy: 'when to log the training loss',
  loggingSteps: 'steps between logged losses (or a ratio of all steps)',
  loggingFirstStep: 'also log after the first step',
  saveTotalLimit: 'keep at most this many checkpoints (the best is kept)',
  loadBestModelAtEnd: "end with the best checkpoint's weights",
  metricForBestModel: 'metric that picks the best checkpoint',
  greaterIsBetter: 'a larger --metric-for-best-model is better (default: unless it ends in loss)',
  earlyStoppingPatience: 'stop after this many evaluations without improvement',
  earlyStoppingThreshold: 'how much the metric must improve to count',
  seed: 'seed for initialisation, dropout and shuffling',
  dataSeed: 'seed for shuffling only (default: --seed)',
  dataloaderDropLast: 'drop the last incomplete batch of each epoch',
  groupByLength: 'batch examples of similar length together (less padding)',
  device: 'where to train',
};

const TYPES: Record<string, OptionType> = { number: 'number', integer: 'integer', interval: 'number', boolean: 'boolean', string: 'string', choice: 'string' };

function defaultText(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'number' && value !== 0 && Math.abs(value) < 1e-3 ? value.toExponential() : typeof value === 'string' ? value : JSON.stringify(value);
  return ` (default ${text})`;
}

/**
 * The flag of every training argument. `defaults` replaces the default shown for arguments a
 * command chooses itself when the flag is not given (`graft train` evaluates every epoch, where
 * HF's default is never), so `--help` tells the truth.
 */
export function trainingFlags(defaults: Readonly<Record<string, string>> = {}): OptionSpec[] {
  const flags: OptionSpec[] = [];
  for (const [key, spec] of Object.entries(ARGUMENT_SPECS)) {
    const choices = spec.kind === 'choice' ? spec.values : undefined;
    const shown = Object.hasOwn(defaults, key) ? ` (default ${defaults[key]})` : defaultText(spec.default);
    flags.push({
      name: toKebab(key),
      type: TYPES[spec.kind] ?? 'string',
      choices,
      negatable: spec.kind === 'boolean',
      valueName: spec.kind === 'interval' ? 'steps' : spec.kind === 'string' ? 'text' : undefined,
      description: `${HELP[key] ?? `TrainingArguments.${key} (${spec.kind})`}${shown}`,
      group: 'Training arguments (as in Hugging Face TrainingArguments)',
    });
  }
  return flags;
}

/** The camelCase names of every training argument. */
export function trainingArgumentNames(): string[] {
  return Object.keys(ARGUMENT_SPECS);
}

/** Picks the training arguments out of parsed options (flag names are the arguments' names, camelCased). */
export function pickTrainingArguments(options: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(ARGUMENT_SPECS)) if (options[toCamel(toKebab(key))] !== undefined) out[key] = options[toCamel(toKebab(key))];
  return out;
}
