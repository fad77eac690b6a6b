/**
 * From argv to an exit code: loads plugins, builds the command line from the registry with
 * commander, runs the command, and turns every failure into one line on stderr and an exit code
 * (`exit-codes.ts`). Under `--json` the result, or the error, is one JSON object on stdout.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { builtinCommands } from './commands/index';
import type { CliContext, CommandInput, CommandResult, GraftCommand, OptionSpec } from './command';
import { classifyError, errorLine, InterruptedError, usageError } from './errors';
import { EXIT, type ExitCode } from './exit-codes';
import { loadPlugin } from './plugin';
import { CommandRegistry } from './registry';
import { CLI_VERSION } from './version';

/** The streams and environment a run uses (the process's by default; tests pass their own). */
export interface CliIO {
  stdout?: { write(text: string): unknown; isTTY?: boolean };
  stderr?: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Aborts the running command (the `graft` binary wires Ctrl-C to it). */
  signal?: AbortSignal;
  /** Registers extra commands before parsing (what `--plugin` does, for programs that embed the CLI). */
  commands?: readonly GraftCommand[];
}

/** `--plugin` values given before the command name (they must be loaded before the command line can be parsed). */
function pluginSpecs(argv: readonly string[]): string[] {
  const specs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    if (a === '--plugin') {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('-')) throw usageError('--plugin needs a module: graft --plugin ./my-plugin.js <command>');
      specs.push(next);
      i++;
    } else if (a.startsWith('--plugin=')) specs.push(a.slice('--plugin='.length));
  }
  return specs;
}

/** Parses a flag's value by type; a bad value is commander's InvalidArgumentError (exit 2), saying what is expected. */
function parserFor(spec: OptionSpec): ((value: string, previous: unknown) => unknown) | undefined {
  const collect = (v: unknown, previous: unknown) => (spec.repeatable ? [...((previous as unknown[] | undefined) ?? []), v] : v);
  switch (spec.type) {
    case 'number':
      return (value, previous) => {
        const n = Number(value);
        if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number (like 3, 0.5 or 1e-4)');
        return collect(n, previous);
      };
    case 'integer':
      return (value, previous) => {
        const n = Number(value);
        if (value.trim() === '' || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number');
        return collect(n, previous);
      };
    default:
      return spec.repeatable ? (value, previous) => collect(value, previous) : undefined;
  }
}

function toOption(spec: OptionSpec): Option {
  const long = `--${spec.name}`;
  const flags =
    spec.type === 'boolean'
      ? long
      : `${long} <${spec.valueName ?? (spec.type === 'path' ? 'path' : spec.type === 'number' || spec.type === 'integer' ? 'n' : 'value')}>`;
  const option = new Option(spec.short ? `-${spec.short}, ${flags}` : flags, spec.description);
  if (spec.choices) option.choices(spec.choices);
  const parse = parserFor(spec);
  if (parse) option.argParser(parse);
  if (spec.default !== undefined) option.default(spec.default);
  if (spec.group) option.helpGroup(`${spec.group}:`);
  return option;
}

function commandOptions(command: GraftCommand): readonly OptionSpec[] {
  return typeof command.options === 'function' ? command.options() : (command.options ?? []);
}

/** Adds `command` to the commander program; its action stores the parsed input for `run`. */
function addCommand(program: Command, command: GraftCommand, onParsed: (command: GraftCommand, input: CommandInput) => void): void {
  const sub = program
    .command(command.name)
    .summary(command.summary)
    .description(command.description ?? command.summary);
  for (const arg of command.arguments ?? []) {
    const name = arg.variadic ? `${arg.name}...` : arg.name;
    sub.argument(arg.required === false ? `[${name}]` : `<${name}>`, arg.description);
  }
  const specs = commandOptions(command);
  for (const spec of specs) {
    sub.addOption(toOption(spec));
    if (spec.type === 'boolean' && spec.negatable) sub.addOption(new Option(`--no-${spec.name}`, `turn off --${spec.name}`).hideHelp());
  }
  if (command.examples?.length) sub.addHelpText('after', `\nExamples:\n${command.examples.map((e) => `  $ ${e}`).join('\n')}\n`);
  sub.showSuggestionAfterError(true).allowExcessArguments(false);
  sub.action((...params: unknown[]) => {
    const cmd = params[params.length - 1] as Command;
    const args: CommandInput['args'] = {};
    (command.arguments ?? []).forEach((arg, i) => {
      args[arg.name] = cmd.processedArgs[i] as string | string[] | undefined;
    });
    const options = cmd.opts();
    const given = new Set(Object.keys(options).filter((k) => cmd.getOptionValueSource(k) === 'cli'));
    onParsed(command, { args, options, given });
  });
}

/** Commander's message without its "error: " prefix and on one line. */
function commanderMessage(e: CommanderError, command: string | undefined): string {
  const text = e.message
    .replace(/^error: /, '')
    .replace(
      /^option '(-[^' ]+)(?:, )?(--[^' ]+)?[^']*' argument '([^']*)' is invalid\. /,
      (_, a: string, b: string | undefined, v: string) => `${b ?? a} "${v}" is invalid: `,
    )
    .replace(/\n\(Did you mean (.+)\?\)/, ' (did you mean $1?)')
    .replace(/\s*\n\s*/g, '; ');
  const help = command ? `graft ${command} --help` : 'graft --help';
  return `${text}; see ${help}`;
}

/** Runs `graft` with `argv` (without node and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIO = {}): Promise<ExitCode> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const json = argv.includes('--json');
  const quiet = argv.includes('--quiet') || argv.includes('-q');
  let commandName: string | undefined;
  const fail = (error: unknown): ExitCode => {
    const exitCode = classifyError(error);
    const line = errorLine(error);
    stderr.write(`graft${commandName ? ` ${commandName}` : ''}: ${line}\n`);
    if (process.env.GRAFT_DEBUG === '1' && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
    if (json) {
      const raw = error instanceof Error ? (error as { code?: unknown }).code : undefined;
      const code = typeof raw === 'string' ? raw : 'error';
      stdout.write(`${JSON.stringify({ ok: false, command: commandName ?? null, exitCode, error: { code, message: line } })}\n`);
    }
    return exitCode;
  };

  const registry = new CommandRegistry().register(...builtinCommands);
  let parsed: { command: GraftCommand; input: CommandInput } | undefined;
  const program = new Command('graft')
    .description('Fine-tune, evaluate, pretrain and inspect Hugging Face BERT-family models with Graft.')
    .version(CLI_VERSION, '-v, --version')
    .option('--json', 'print the result as one JSON object on stdout (progress and messages go to stderr)')
    .option('-q, --quiet', 'no progress and no informational lines')
    .addOption(
      new Option('--plugin <module>', 'load commands from a module that exports graftPlugin (repeatable)').argParser((v, prev: string[] = []) => [...prev, v]),
    )
    .showSuggestionAfterError(true)
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => stdout.write(s),
      // commander's own error text is replaced by one line of ours (see fail)
      writeErr: (s) => {
        if (!s.startsWith('error:')) stderr.write(s);
      },
    });
  try {
    for (const spec of pluginSpecs(argv)) await loadPlugin(spec, registry, io.cwd ?? process.cwd());
    if (io.commands) registry.register(...io.commands);
    for (const command of registry.list()) {
      addCommand(program, command, (c, input) => {
        parsed = { command: c, input };
      });
    }
    program.commands.forEach((c) => c.exitOverride());
    commandName = argv.find((a) => registry.has(a));
    if (argv.length === 0) {
      stdout.write(program.helpInformation());
      return EXIT.usage;
    }
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return fail(usageError(commanderMessage(e, commandName), e.code.replace('commander.', '')));
    }
    return fail(e);
  }
  if (!parsed) return fail(usageError('no command given; run graft --help for the list'));

  const signal = io.signal ?? new AbortController().signal;
  const ctx: CliContext = {
    cwd: io.cwd ?? process.cwd(),
    env: io.env ?? process.env,
    json,
    quiet,
    print: (line) => (json ? stderr : stdout).write(`${line}\n`),
    info: (line) => {
      if (!quiet) stderr.write(`${line}\n`);
    },
    warn: (line) => stderr.write(`graft ${parsed?.command.name}: warning: ${line}\n`),
    progressStream: stderr,
    stdout,
    signal,
  };
  let result: CommandResult | undefined;
  try {
    result = await parsed.command.run(parsed.input, ctx);
    if (signal.aborted) throw new InterruptedError('interrupted (Ctrl-C); partial results, if any, are in the output directory');
  } catch (e) {
    return fail(e);
  }
  if (json) stdout.write(`${JSON.stringify({ ok: true, command: parsed.command.name, ...(result ?? {}) })}\n`);
  return EXIT.ok;
}
