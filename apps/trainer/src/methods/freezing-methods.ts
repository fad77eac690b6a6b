/**
 * The methods that train the model's own parameters, from @graft/peft's freezing strategies:
 * `full`, `head`, `freeze:N` and `gradual`. `best/` is an HF checkpoint (the model is the
 * model); `--layer-lr-decay` gives any of them layer-wise decayed learning rates.
 */
import { applyFreezing, FreezingError, type Freezing, type FreezingMethod, parseFreezingMethod, type UnfreezeEvery } from '@graft/peft';
import { OptimizerConfigError } from '@graft/nn';
import { usageError } from '../errors';
import { writeFiles } from '../run-directory';
import type { MethodInput, PreparedMethod, TrainingMethod } from './method';

/** `--unfreeze-every`: a whole number of steps (1 or more) or `epoch`. */
export function parseUnfreezeEvery(value: unknown): UnfreezeEvery {
  if (value === undefined || value === 'epoch') return 'epoch';
  const n = Number(value);
  if (typeof value === 'number' || /^\d+$/.test(String(value).trim())) {
    if (Number.isInteger(n) && n >= 1) return n;
  }
  throw usageError(`--unfreeze-every must be a whole number of steps (1 or more) or epoch, got ${JSON.stringify(value)}`, 'invalid_method_option');
}

/** `--layer-lr-decay`: a factor in (0, 1]. */
function layerLrDecay(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const d = Number(value);
  if (!(d > 0 && d <= 1)) throw usageError(`--layer-lr-decay must be a number in (0, 1] (1 = one rate for all layers), got ${value}`, 'invalid_method_option');
  return d;
}

/** The strategy `--method` and `--unfreeze-every` name; a bad one is a usage error naming the flag. */
function freezingMethodOf(value: string, options: Readonly<Record<string, unknown>>): FreezingMethod {
  const every = parseUnfreezeEvery(options.unfreezeEvery);
  try {
    return parseFreezingMethod(value, { unfreezeEvery: every });
  } catch (e) {
    if (e instanceof FreezingError) throw usageError(`--method ${value}: ${e.message}`, 'invalid_method');
    throw e;
  }
}

/** Checks what can be checked without the model: the strategy's name and its flags. */
function checkFreezing(value: string, options: Readonly<Record<string, unknown>>): void {
  freezingMethodOf(value, options);
  layerLrDecay(options.layerLrDecay);
}

function prepareFreezing(input: MethodInput): PreparedMethod {
  const { model, value, options, args } = input;
  const decay = layerLrDecay(options.layerLrDecay);
  const method = freezingMethodOf(value, options);
  let freezing: Freezing;
  try {
    freezing = applyFreezing(model, method, {
      onUnfreeze: ({ modules, step }) => input.note(`unfroze ${modules.join(', ')} after step ${step}: ${describeCounts(freezing)}`),
    });
  } catch (e) {
    if (e instanceof FreezingError && e.code === 'freezing_config') throw usageError(`--method ${value}: ${e.message}`, 'invalid_method');
    throw e;
  }
  let parameterGroups: PreparedMethod['parameterGroups'];
  try {
    parameterGroups = freezing.parameterGroups({ lr: args.learningRate, weightDecay: args.weightDecay, layerLrDecay: decay });
  } catch (e) {
    if (e instanceof OptimizerConfigError) throw usageError(`--layer-lr-decay: ${e.message}`, 'invalid_method_option');
    throw e;
  }
  return {
    model,
    parameterGroups,
    callbacks: freezing.callback ? [freezing.callback] : [],
    counts: () => freezing.counts(),
    currentCounts: () => freezing.currentCounts(),
    settings: {
      method: freezing.name,
      trains: freezing.stages.map((s) => s.modules.join(', ')),
      ...(freezing.callback ? { unfreezeEvery: freezing.callback.every } : {}),
      ...(decay !== undefined ? { layerLrDecay: decay } : {}),
    },
    saves: 'model',
    async save(dir, tokenizer) {
      const files = new Map([...(await model.toPretrainedFilesAsync()), ...tokenizer]);
      await writeFiles(dir, files);
      return [...files.keys()];
    },
  };
}

/** `trainable 66 of 53,154 (0.12%)`. */
function describeCounts(freezing: Freezing): string {
  const c = freezing.currentCounts();
  return `trainable params ${c.trainable.toLocaleString('en-US')} of ${c.all.toLocaleString('en-US')} (${c.percent.toFixed(2)}%)`;
}

const FREEZING_FLAGS = ['layerLrDecay'];

/** `full`, `head`, `freeze:N`, `gradual`. */
export const freezingMethods: readonly TrainingMethod[] = [
  { name: 'full', summary: 'every parameter trains (full fine-tuning)', flags: FREEZING_FLAGS, check: checkFreezing, prepare: prepareFreezing },
  {
    name: 'head',
    summary: "only the task head outside the base model (the classifier; BERT's pooler stays frozen)",
    flags: FREEZING_FLAGS,
    check: checkFreezing,
    prepare: prepareFreezing,
  },
  {
    name: 'freeze:N',
    summary: 'the embeddings and the lower N encoder layers frozen, the rest trains',
    matches: (value) => value.startsWith('freeze:'),
    flags: FREEZING_FLAGS,
    check: checkFreezing,
    prepare: prepareFreezing,
  },
  {
    name: 'gradual',
    summary: 'gradual unfreezing (ULMFiT): the head first, then one more layer from the top every --unfreeze-every steps or epoch',
    flags: [...FREEZING_FLAGS, 'unfreezeEvery'],
    check: checkFreezing,
    prepare: prepareFreezing,
  },
];
