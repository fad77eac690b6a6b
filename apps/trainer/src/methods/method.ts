/**
 * What a training method is to `graft train --method …`: a row of the method table with its
 * flags, and `prepare`, which turns the loaded model into what the Trainer runs (the model
 * itself with some parameters frozen, or a PEFT model with an adapter), the optimizer's groups
 * and callbacks it needs, its parameter counts, and how `best/` is written (an HF checkpoint, or
 * PEFT's adapter files). A new method is one more row; nothing in `train` changes.
 */
import type { ParameterCounts } from '@graft/peft';
import type { BuiltGroup } from '@graft/nn';
import type { TrainableModel, TrainerCallback, TrainingArguments } from '@graft/train';
import type { AnyPreTrainedModel } from '@graft/models';
import type { TextBatch } from '@graft/data';
import type { CliContext } from '../command';

/** What the train command hands a method. */
export interface MethodInput {
  /** The loaded model (for the task, with its fresh head). */
  model: AnyPreTrainedModel;
  /** The `--method` value as given (`freeze:2`). */
  value: string;
  /** The command's options (flags and config file), camelCased. */
  options: Readonly<Record<string, unknown>>;
  /** The training arguments (learning rate, weight decay for the optimizer's groups). */
  args: Readonly<TrainingArguments>;
  /** The run's seed (adapter initialisation). */
  seed: number;
  /** The base model's folder, absolute (PEFT's `base_model_name_or_path`). */
  modelDir: string;
  ctx: CliContext;
  /** Prints a line above the progress bar (gradual unfreezing reports each stage). */
  note(line: string): void;
  /** The run's tokenizer, special tokens included (prompt tuning's `TEXT` start); absent where there is none. */
  tokenize?(text: string): number[];
}

/** What `best/` holds, and what else the run reports about the method. */
export interface PreparedMethod {
  /** The module the Trainer trains and evaluates. */
  model: TrainableModel<TextBatch>;
  /** The default optimizer's groups (every parameter that trains at some point, per-group rates). */
  parameterGroups?: BuiltGroup[];
  /** Callbacks the method needs (gradual unfreezing). */
  callbacks?: TrainerCallback[];
  /** What trains during the run, of the base model's parameters (PEFT's counts). */
  counts(): ParameterCounts;
  /** What trains now (changes during gradual unfreezing). */
  currentCounts(): ParameterCounts;
  /** The method's settings, for `--json` and the report (PEFT's config fields, or the strategy). */
  settings: Record<string, unknown>;
  /** `'adapter'`: best/ holds PEFT's adapter files; `'model'`: an HF checkpoint. */
  saves: 'adapter' | 'model';
  /** Writes the trained result into `dir` (with the tokenizer files and the label names); returns the file names. */
  save(dir: string, tokenizer: ReadonlyMap<string, Uint8Array>, labels: readonly string[]): Promise<string[]>;
}

/** One row of the method table. */
export interface TrainingMethod {
  /** The `--method` value (`lora`), or its pattern (`freeze:N`). */
  readonly name: string;
  /** One line for `--help` and the README's table. */
  readonly summary: string;
  /** Whether `value` names this method (default: `value === name`). */
  matches?(value: string): boolean;
  /** The camelCased flags this method reads; any other method flag given with it is an error. */
  readonly flags: readonly string[];
  /** Set while a method is planned but not built: `--method <name>` fails with this (exit 2) rather than training something else. */
  readonly unavailable?: string;
  /** Checks the method's flags before anything is loaded (what needs the model is checked by `prepare`); `cwd` resolves a flag's file. */
  check?(value: string, options: Readonly<Record<string, unknown>>, cwd: string): void;
  /** Sets the method up on the loaded model. */
  prepare(input: MethodInput): PreparedMethod;
}
