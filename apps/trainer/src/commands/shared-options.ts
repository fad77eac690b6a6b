/**
 * Flags several commands share, defined once so `train`, `eval`, `predict` and `pretrain` spell
 * and describe them alike.
 */
import type { OptionSpec } from '../command';

const DATA = 'Data';

/** `--config <file>`: settings from a JSON/YAML file, under the flags. */
export const configOption: OptionSpec = {
  name: 'config',
  type: 'path',
  valueName: 'file',
  description: 'read settings from a JSON or YAML file (flags given here win)',
};

/** `--tokenizer <dir>`: a tokenizer other than the model folder's. */
export const tokenizerOption: OptionSpec = { name: 'tokenizer', type: 'path', valueName: 'dir', description: "tokenizer folder (default: the model's folder)" };

/** `--max-length <n>`: tokens per example. */
export const maxLengthOption: OptionSpec = {
  name: 'max-length',
  type: 'integer',
  description: "tokens per example, special tokens included; longer texts are truncated (default 128, or the model's positions if fewer)",
  group: DATA,
};

/** The column flags of text classification. */
export const columnOptions: OptionSpec[] = [
  { name: 'text-column', valueName: 'name', description: "column with the text (default: the dataset's, or text/sentence/review …)", group: DATA },
  { name: 'text-pair-column', valueName: 'name', description: 'column with the second text of a pair task (e.g. sentence2)', group: DATA },
  { name: 'label-column', valueName: 'name', description: 'column with the label (default: label)', group: DATA },
];

/** The data-splitting and subsampling flags of `graft train`. */
export const trainDataOptions: OptionSpec[] = [
  { name: 'eval-data', type: 'path', valueName: 'file', description: "evaluation data (default: the dataset's validation split)", group: DATA },
  {
    name: 'validation-split',
    type: 'number',
    valueName: 'fraction',
    description: 'share of the training data held out for evaluation when there is no validation split (default 0.1)',
    group: DATA,
  },
  { name: 'train-samples', type: 'integer', description: 'train on this many rows, drawn with the seed (default: all)', group: DATA },
  { name: 'eval-samples', type: 'integer', description: 'evaluate on this many rows, drawn with the seed (default: all)', group: DATA },
];

/** `--resume-from-checkpoint <name|latest>`: continue a run in `--output-dir`. */
export const resumeOption: OptionSpec = {
  name: 'resume-from-checkpoint',
  valueName: 'checkpoint|latest',
  description: 'continue the run in --output-dir from checkpoint-<step> (or the latest): model, optimizer, schedule, RNG and data position',
};

/** The Trainer's `resumeFromCheckpoint` for the flag's value. */
export function resumeTarget(value: unknown): boolean | string | undefined {
  if (value === undefined) return undefined;
  return value === 'latest' || value === 'true' ? true : String(value);
}
