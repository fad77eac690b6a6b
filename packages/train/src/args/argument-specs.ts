/**
 * One line per training argument: its kind, its bounds and HF's default. `trainingArguments`
 * validates against this table and the JSON file is written from it, so adding an argument is
 * one entry here plus its field in `TrainingArguments`.
 */
import { TrainingArgumentsError } from '../errors';

/** How one argument is checked. */
export type ArgumentSpec = { default: unknown; nullable?: boolean } & (
  | { kind: 'number'; min: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean }
  | { kind: 'integer'; min: number; or?: number }
  /** A step interval: an integer ≥ 1, or a ratio of all training steps in (0, 1) (HF's convention). */
  | { kind: 'interval' }
  | { kind: 'boolean' }
  | { kind: 'string' }
  | { kind: 'choice'; values: readonly string[] }
);

const STRATEGIES = ['no', 'steps', 'epoch'] as const;

/** Every argument of `TrainingArguments`, in the order the JSON file lists them. */
export const ARGUMENT_SPECS: Record<string, ArgumentSpec> = {
  outputDir: { kind: 'string', default: 'trainer_output' },
  runName: { kind: 'string', nullable: true, default: null },
  numTrainEpochs: { kind: 'number', min: 0, minExclusive: true, default: 3 },
  maxSteps: { kind: 'integer', min: 1, or: -1, default: -1 },
  perDeviceTrainBatchSize: { kind: 'integer', min: 1, default: 8 },
  perDeviceEvalBatchSize: { kind: 'integer', min: 1, default: 8 },
  gradientAccumulationSteps: { kind: 'integer', min: 1, default: 1 },
  learningRate: { kind: 'number', min: 0, default: 5e-5 },
  weightDecay: { kind: 'number', min: 0, default: 0 },
  adamBeta1: { kind: 'number', min: 0, max: 1, maxExclusive: true, default: 0.9 },
  adamBeta2: { kind: 'number', min: 0, max: 1, maxExclusive: true, default: 0.999 },
  adamEpsilon: { kind: 'number', min: 0, default: 1e-8 },
  optim: { kind: 'choice', values: ['adamw', 'sgd'], default: 'adamw' },
  maxGradNorm: { kind: 'number', min: 0, default: 1 },
  lrSchedulerType: { kind: 'choice', values: ['linear', 'cosine', 'constant', 'constant_with_warmup', 'polynomial'], default: 'linear' },
  warmupRatio: { kind: 'number', min: 0, max: 1, default: 0 },
  warmupSteps: { kind: 'integer', min: 0, default: 0 },
  evalStrategy: { kind: 'choice', values: STRATEGIES, default: 'no' },
  evalSteps: { kind: 'interval', nullable: true, default: null },
  saveStrategy: { kind: 'choice', values: STRATEGIES, default: 'steps' },
  saveSteps: { kind: 'interval', default: 500 },
  loggingStrategy: { kind: 'choice', values: STRATEGIES, default: 'steps' },
  loggingSteps: { kind: 'interval', default: 500 },
  loggingFirstStep: { kind: 'boolean', default: false },
  saveTotalLimit: { kind: 'integer', min: 1, nullable: true, default: null },
  loadBestModelAtEnd: { kind: 'boolean', default: false },
  metricForBestModel: { kind: 'string', nullable: true, default: null },
  greaterIsBetter: { kind: 'boolean', nullable: true, default: null },
  earlyStoppingPatience: { kind: 'integer', min: 1, nullable: true, default: null },
  earlyStoppingThreshold: { kind: 'number', min: 0, default: 0 },
  seed: { kind: 'integer', min: 0, default: 42 },
  dataSeed: { kind: 'integer', min: 0, nullable: true, default: null },
  dataloaderDropLast: { kind: 'boolean', default: false },
  groupByLength: { kind: 'boolean', default: false },
  device: { kind: 'choice', values: ['cpu', 'webgpu'], default: 'cpu' },
};

/** Names people bring from elsewhere (older HF versions, PyTorch Lightning, Keras) and what we call them. */
const ALIASES: Record<string, string> = {
  evaluationStrategy: 'evalStrategy',
  numEpochs: 'numTrainEpochs',
  epochs: 'numTrainEpochs',
  batchSize: 'perDeviceTrainBatchSize',
  trainBatchSize: 'perDeviceTrainBatchSize',
  evalBatchSize: 'perDeviceEvalBatchSize',
  lr: 'learningRate',
  gradientClipVal: 'maxGradNorm',
  patience: 'earlyStoppingPatience',
};

/** `learning_rate` → `learningRate`. */
export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `learningRate` → `learning_rate` (HF's names; digits stay attached: `adamBeta1` → `adam_beta1`). */
export function camelToSnake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The known argument an unknown key most likely meant, if any. */
export function suggestKey(key: string): string | undefined {
  const camel = snakeToCamel(key);
  if (Object.hasOwn(ARGUMENT_SPECS, camel)) return camel;
  if (Object.hasOwn(ALIASES, camel)) return ALIASES[camel];
  // at most 3 edits, and fewer for short keys, so 'seed' does not suggest 'device'
  let best: string | undefined;
  let bestDistance = Math.min(3, Math.floor(key.length / 3)) + 1;
  for (const known of Object.keys(ARGUMENT_SPECS)) {
    const d = editDistance(camel.toLowerCase(), known.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [known, d];
  }
  return best;
}

/** Levenshtein distance (keys are short, so the quadratic table is fine). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** A value as an error message shows it. */
export function describe(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object' && v !== null) return 'an object';
  return String(v);
}

/** What `spec` accepts, in words. */
export function allowedText(spec: ArgumentSpec): string {
  const orNull = spec.nullable ? ', or null' : '';
  switch (spec.kind) {
    case 'choice':
      return `one of: ${spec.values.join(', ')}${orNull}`;
    case 'boolean':
      return `true or false${orNull}`;
    case 'string':
      return `a non-empty string${orNull}`;
    case 'interval':
      return `an integer ≥ 1, or a ratio of all training steps in (0, 1)${orNull}`;
    case 'integer':
      return `an integer ≥ ${spec.min}${spec.or !== undefined ? ` (or ${spec.or})` : ''}${orNull}`;
    case 'number': {
      const lo = `${spec.minExclusive ? '(' : '['}${spec.min}`;
      const hi = spec.max === undefined ? '∞)' : `${spec.max}${spec.maxExclusive ? ')' : ']'}`;
      return `a number in ${lo}, ${hi}${orNull}`;
    }
  }
}

/** Throws a `TrainingArgumentsError` naming `key` and what it accepts when `value` does not fit `spec`. */
export function checkValue(key: string, spec: ArgumentSpec, value: unknown): void {
  if (value === null && spec.nullable) return;
  if (!fits(spec, value)) {
    const allowed = allowedText(spec);
    throw new TrainingArgumentsError('training_args_invalid_value', key, `training argument ${key} must be ${allowed}, got ${describe(value)}`, allowed);
  }
}

function fits(spec: ArgumentSpec, v: unknown): boolean {
  switch (spec.kind) {
    case 'choice':
      return typeof v === 'string' && spec.values.includes(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string' && v.length > 0;
    case 'interval':
      return typeof v === 'number' && Number.isFinite(v) && (Number.isInteger(v) ? v >= 1 : v > 0 && v < 1);
    case 'integer':
      return Number.isSafeInteger(v) && ((v as number) >= spec.min || v === spec.or);
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return false;
      if (spec.minExclusive ? v <= spec.min : v < spec.min) return false;
      return spec.max === undefined || (spec.maxExclusive ? v < spec.max : v <= spec.max);
    }
  }
}
