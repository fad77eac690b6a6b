/**
 * The built-in commands, one file each, as a static table (no registration at import). Later
 * commands (`distill`, `merge`) are added here; third-party ones arrive through `--plugin`.
 */
import type { GraftCommand } from '../command';

/** Every built-in command, in the order `graft --help` lists them. */
export const builtinCommands: readonly GraftCommand[] = [];
