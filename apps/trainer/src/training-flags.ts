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

/** One-line help for the arguments people reach for; the rest show their kind and default. */
const HELP: Record<string, string> = {
  outputDir: 'the run directory (checkpoints, best/, metrics.jsonl, report.html)',
  numTrainEpochs: 'epochs to train',
  maxSteps: 'optimizer steps to train (overrides --num-train-epochs)',
  perDeviceTrainBatchSize: 'training batch size',
  perDeviceEvalBatchSize: 'evaluation batch size',
  gradientAccumulationSteps: 'micro-batches per optimizer step',
  learningRate: 'peak learning rate',
  weightDecay: 'AdamW weight decay (not on biases and LayerNorm weights)',
  warmupRatio: 'share of steps with linear warmup',
  warmupSteps: 'warmup steps (overrides --warmup-ratio)',
  lrSchedulerType: 'learning-rate schedule',
  maxGradNorm: 'clip the gradient norm to this (0: off)',
  evalStrategy: 'when to evaluate',
  saveStrategy: 'when to write checkpoints',
  loggingSteps: 'steps between logged losses',
  saveTotalLimit: 'keep at most this many checkpoints (the best is kept)',
  loadBestModelAtEnd: "end with the best checkpoint's weights",
  metricForBestModel: 'metric that picks the best checkpoint',
  earlyStoppingPatience: 'stop after this many evaluations without improvement',
  seed: 'seed for initialisation, dropout and shuffling',
  device: 'where to train',
};

const TYPES: Record<string, OptionType> = { number: 'number', integer: 'integer', interval: 'number', boolean: 'boolean', string: 'string', choice: 'string' };

function defaultText(value: unknown): string {
  return value === null || value === undefined ? '' : ` (default ${typeof value === 'string' ? value : JSON.stringify(value)})`;
}

/** The flag of every training argument (`exclude` drops arguments a command sets itself). */
export function trainingFlags(exclude: readonly string[] = []): OptionSpec[] {
  const flags: OptionSpec[] = [];
  for (const [key, spec] of Object.entries(ARGUMENT_SPECS)) {
    if (exclude.includes(key)) continue;
    const choices = spec.kind === 'choice' ? spec.values : undefined;
    flags.push({
      name: toKebab(key),
      type: TYPES[spec.kind] ?? 'string',
      choices,
      negatable: spec.kind === 'boolean',
      valueName: spec.kind === 'interval' ? 'steps' : undefined,
      description: `${HELP[key] ?? `TrainingArguments.${key}`}${defaultText(spec.default)}`,
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
