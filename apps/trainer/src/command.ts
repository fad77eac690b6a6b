/**
 * What a command is: a name, its arguments and flags as data, and a `run` function. Commands are
 * plain objects so a plugin can add one without knowing how the command line is parsed (the
 * parser, commander, is an implementation detail of `program.ts`), and so help, parsing and
 * the error for a wrong flag come from one description.
 */

/** The kinds of value a flag takes; the parser converts and checks them (exit 2 on a bad value). */
export type OptionType = 'string' | 'number' | 'integer' | 'boolean' | 'path';

/** One flag of a command. */
export interface OptionSpec {
  /** The long name, kebab-case, without dashes (`learning-rate`); the value arrives camelCased (`learningRate`). */
  name: string;
  /** A one-letter alias (`o` for `-o`). */
  short?: string;
  /** `boolean` flags take no value (and get a `--no-…` form when `negatable`). Default `string`. */
  type?: OptionType;
  /** The accepted values (checked by the parser). */
  choices?: readonly string[];
  /** One line for `--help`. */
  description: string;
  /** What `--help` shows as the value (`<n>`, `<file>`). */
  valueName?: string;
  /** A default the parser fills in (leave unset when a config file or a package supplies it). */
  default?: string | number | boolean;
  /** May be given several times; the value is an array. */
  repeatable?: boolean;
  /** A boolean flag that also has a `--no-<name>` form. */
  negatable?: boolean;
  /** A heading under which `--help` lists the flag (e.g. "Training arguments"). */
  group?: string;
}

/** One positional argument. */
export interface ArgumentSpec {
  name: string;
  description: string;
  /** Default true. */
  required?: boolean;
  /** Takes the rest of the positionals (last argument only). */
  variadic?: boolean;
}

/** Where a command writes and what it knows about the invocation. */
export interface CliContext {
  /** The working directory paths are resolved against. */
  readonly cwd: string;
  /** The environment (`GRAFT_ASSETS`, …); tests pass their own. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `--json`: the command's result is printed as one JSON object on stdout at the end; everything else goes to stderr. */
  readonly json: boolean;
  /** `--quiet`: no progress and no informational lines. */
  readonly quiet: boolean;
  /** Human-readable output: stdout, or stderr under `--json` so stdout stays one JSON object. */
  print(line: string): void;
  /** Informational lines (what was loaded, where files went): stderr, silent under `--quiet`. */
  info(line: string): void;
  /** A warning: stderr, always. */
  warn(line: string): void;
  /** The stream progress is drawn on (stderr) and whether it is a terminal (bars) or not (plain lines). */
  readonly progressStream: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  /** Raw stdout, for commands whose output is data (`graft predict` without `--output`). */
  readonly stdout: { write(text: string): unknown };
  /** Aborted on Ctrl-C: long commands stop at the next step, write what they have, and exit 130. */
  readonly signal: AbortSignal;
}

/** What a command's `run` receives. */
export interface CommandInput {
  /** Positional arguments by name (an array for a variadic one). */
  args: Record<string, string | string[] | undefined>;
  /** Flags by camelCased name; only those given or defaulted are present. */
  options: Record<string, unknown>;
  /** The camelCased names of the flags given on the command line (not defaults), so config files can be overridden by exactly those. */
  given: ReadonlySet<string>;
}

/** A JSON-serialisable result: what `--json` prints. */
export type CommandResult = Record<string, unknown>;

/** A `graft` subcommand. */
export interface GraftCommand {
  /** The subcommand (`train`); lowercase letters, digits and dashes. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** More text for `graft <name> --help`. */
  description?: string;
  arguments?: readonly ArgumentSpec[];
  /** The flags; a function when they are computed (training flags come from the Trainer's argument table). */
  options?: readonly OptionSpec[] | (() => readonly OptionSpec[]);
  /** Example invocations for `--help`. */
  examples?: readonly string[];
  /** Runs the command; the returned object is what `--json` prints. Throw `CliError`s for what the user must fix. */
  run(input: CommandInput, ctx: CliContext): Promise<CommandResult | undefined>;
}

/** Declares a command (an identity function that gives the object its type in plugins written in JavaScript). */
export function defineCommand(command: GraftCommand): GraftCommand {
  return command;
}
