/**
 * The built-in commands, one file each, as a static table (no registration at import);
 * third-party ones arrive through `--plugin`.
 */
import type { GraftCommand } from '../command';
import { distillCommand } from './distill';
import { evalCommand } from './eval';
import { inspectCommand } from './inspect';
import { mergeCommand } from './merge';
import { predictCommand } from './predict';
import { pretrainCommand } from './pretrain';
import { trainCommand } from './train';

/** Every built-in command, in the order `graft --help` lists them. */
export const builtinCommands: readonly GraftCommand[] = [
  trainCommand,
  evalCommand,
  predictCommand,
  mergeCommand,
  distillCommand,
  pretrainCommand,
  inspectCommand,
];
