/**
 * The flags of `graft distill` beyond the training flags, as `@graft/distill`'s README lays them
 * out, and their reading into `prepareDistillation`'s options: α and T constant or scheduled
 * (`0.5`, `linear:0.9:0.1`, `cosine:0.9:0.1:0:1000`), hidden-state and attention-map terms,
 * the kept teacher layers and the offline logits cache. Every bad value is a usage error naming
 * its flag.
 */
import { type AttentionLossKind, DistillError, type LayerMap, parseLayerMap, parseScheduled, type ProjectionKind, type Scheduled } from '@graft/distill';
import type { OptionSpec } from '../command';
import { usageError } from '../errors';
import { listFlag } from '../methods/flags';

const GROUP = 'Distillation';

/** `graft distill`'s own flags. */
export const distillOptions: OptionSpec[] = [
  { name: 'teacher', type: 'path', valueName: 'dir', description: 'the fine-tuned classifier to learn from (its labels and tokenizer are used)', group: GROUP },
  {
    name: 'student',
    valueName: 'dir|config.json|layers=N',
    description: "a model folder, a config.json to build, or layers=N: the teacher's config with N layers",
    group: GROUP,
  },
  { name: 'data', valueName: 'data', description: 'the training data, as the <data> argument (either one)', group: GROUP },
  {
    name: 'keep-layers',
    valueName: 'i,j',
    repeatable: true,
    description: "the teacher layers a student starts from, one per student layer (default: evenly spaced, DistilBERT's choice)",
    group: GROUP,
  },
  {
    name: 'init-from-teacher',
    type: 'boolean',
    negatable: true,
    description:
      "start the student from the teacher's embeddings, head and kept layers (default: for a built student when the shapes allow; --no-init-from-teacher keeps the student's own)",
    group: GROUP,
  },
  { name: 'alpha', valueName: 'a|linear:A:B', description: 'weight of the teacher term in [0, 1], constant or scheduled (default 0.5)', group: GROUP },
  { name: 'temperature', valueName: 't|linear:A:B', description: 'softmax temperature > 0, constant or scheduled (default 2)', group: GROUP },
  { name: 'hidden', type: 'boolean', description: 'add hidden-state distillation (MSE, through a learned projection when widths differ)', group: GROUP },
  { name: 'hidden-weight', valueName: 'w', description: 'the hidden-state term’s weight, constant or scheduled (default 1)', group: GROUP },
  { name: 'layer-map', valueName: 's:t,…', description: 'student → teacher hidden-state indices, 0 = embeddings (default: evenly spaced)', group: GROUP },
  { name: 'projection', choices: ['shared', 'per-layer'], description: 'one projection for all layers, or one per layer (default shared)', group: GROUP },
  { name: 'attention', type: 'boolean', description: 'add attention-map distillation', group: GROUP },
  { name: 'attention-weight', valueName: 'w', description: 'the attention term’s weight, constant or scheduled (default 1)', group: GROUP },
  { name: 'attention-loss', choices: ['kl', 'mse'], description: 'KL per query row (MiniLM, default) or mean squared difference (TinyBERT)', group: GROUP },
  {
    name: 'cache-teacher-logits',
    type: 'path',
    valueName: 'dir',
    description: "offline distillation: compute the teacher's logits once and keep them in this folder (logits only)",
    group: GROUP,
  },
];

/** Parses one distill value, turning @graft/distill's error into a usage error naming `flag`. */
function asFlag<T>(flag: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DistillError) throw usageError(`${flag}: ${e.message}`, 'invalid_distill_option');
    throw e;
  }
}

/** A scheduled value's flag (`--alpha 0.5`, `--alpha linear:0.9:0.1`). */
function scheduled(flag: string, value: unknown): Scheduled | undefined {
  if (value === undefined) return undefined;
  return asFlag(flag, () => parseScheduled(String(value), flag.slice(2)));
}

/** What the distillation flags ask for. */
export interface DistillSettings {
  alpha?: Scheduled;
  temperature?: Scheduled;
  hidden?: { layerMap?: LayerMap; weight?: Scheduled; projection?: ProjectionKind };
  attention?: { weight?: Scheduled; loss?: AttentionLossKind };
  /** `--keep-layers`. */
  keepLayers?: number[];
  /** `--init-from-teacher` / `--no-init-from-teacher`, when given. */
  initFromTeacher?: boolean;
  /** `--cache-teacher-logits`. */
  cacheDir?: string;
}

/** Reads and checks the distillation flags (before anything is loaded). */
export function readDistillFlags(o: Readonly<Record<string, unknown>>): DistillSettings {
  const alpha = scheduled('--alpha', o.alpha);
  if (typeof alpha === 'number' && !(alpha >= 0 && alpha <= 1)) throw usageError(`--alpha must be in [0, 1], got ${alpha}`, 'invalid_distill_option');
  const temperature = scheduled('--temperature', o.temperature);
  if (typeof temperature === 'number' && !(temperature > 0))
    throw usageError(`--temperature must be more than 0, got ${temperature}`, 'invalid_distill_option');
  for (const [flag, owner, value] of [
    ['--hidden-weight', 'hidden', o.hiddenWeight],
    ['--layer-map', 'hidden', o.layerMap],
    ['--projection', 'hidden', o.projection],
    ['--attention-weight', 'attention', o.attentionWeight],
    ['--attention-loss', 'attention', o.attentionLoss],
  ] as const) {
    if (value !== undefined && o[owner] !== true) throw usageError(`${flag} applies to --${owner}, which is not set; add --${owner}`, 'invalid_distill_option');
  }
  const hidden =
    o.hidden === true
      ? {
          ...(o.layerMap !== undefined ? { layerMap: asFlag('--layer-map', () => parseLayerMap(String(o.layerMap))) } : {}),
          ...(o.hiddenWeight !== undefined ? { weight: scheduled('--hidden-weight', o.hiddenWeight) } : {}),
          ...(o.projection !== undefined ? { projection: o.projection as ProjectionKind } : {}),
        }
      : undefined;
  const attention =
    o.attention === true
      ? {
          ...(o.attentionWeight !== undefined ? { weight: scheduled('--attention-weight', o.attentionWeight) } : {}),
          ...(o.attentionLoss !== undefined ? { loss: o.attentionLoss as AttentionLossKind } : {}),
        }
      : undefined;
  const cacheDir = o.cacheTeacherLogits as string | undefined;
  if (cacheDir !== undefined && (hidden || attention))
    throw usageError(
      '--cache-teacher-logits keeps only the teacher’s logits; --hidden and --attention need its states every step (drop one or the other)',
      'invalid_distill_option',
    );
  const keepLayers = listFlag(o.keepLayers)?.map((s) => {
    if (!/^\d+$/.test(s)) throw usageError(`--keep-layers takes teacher layer indices (0, 1, …), comma-separated; got "${s}"`, 'invalid_distill_option');
    return Number(s);
  });
  if (keepLayers && o.initFromTeacher === false)
    throw usageError('--keep-layers chooses the teacher layers a student starts from; it does not go with --no-init-from-teacher', 'invalid_distill_option');
  return {
    alpha,
    temperature,
    hidden,
    attention,
    keepLayers,
    initFromTeacher: o.initFromTeacher as boolean | undefined,
    cacheDir,
  };
}
