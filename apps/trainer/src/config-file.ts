/**
 * `--config run.yaml` / `run.json`: the same settings as the flags, in a file. Keys may be
 * written as the flags (`learning-rate`), camelCase (`learningRate`) or HF's snake_case
 * (`learning_rate`, so a `training_args.json` from transformers mostly works as is); flags given
 * on the command line override the file. Every key is checked against the command's flags, so a
 * typo is an error naming the key and the closest flag, never a silently ignored setting.
 */
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { CliContext, CommandInput, OptionSpec } from './command';
import { usageError } from './errors';

/** `learning-rate` / `learning_rate` → `learningRate`. */
export function toCamel(key: string): string {
  return key.replace(/[-_]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `learningRate` → `learning-rate`. */
export function toKebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Reads a JSON or YAML file into a plain object; a missing file or a syntax error is a usage error with the place. */
export function readConfigFile(path: string, cwd: string): Record<string, unknown> {
  const full = resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch {
    throw usageError(`--config ${path}: no such file (${full}); pass a .json or .yaml file`, 'config_not_found');
  }
  const ext = extname(full).toLowerCase();
  let value: unknown;
  if (ext === '.json') {
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw usageError(`--config ${path}: not valid JSON (${(e as Error).message})`, 'config_invalid');
    }
  } else if (ext === '.yaml' || ext === '.yml') {
    const doc = parseDocument(text);
    if (doc.errors.length > 0) {
      const err = doc.errors[0];
      const where = err.linePos ? `:${err.linePos[0].line}:${err.linePos[0].col}` : '';
      throw usageError(`--config ${path}${where}: not valid YAML (${err.message.split('\n')[0]})`, 'config_invalid');
    }
    value = doc.toJS();
  } else throw usageError(`--config ${path}: unknown extension "${ext}"; use .json, .yaml or .yml`, 'config_invalid');
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw usageError(`--config ${path}: expected a mapping of settings (key: value), got ${Array.isArray(value) ? 'a list' : typeof value}`, 'config_invalid');
  }
  return value as Record<string, unknown>;
}

function closest(key: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const n of names) {
    const d = distance(key.toLowerCase(), n.toLowerCase());
    if (d < bestD) [best, bestD] = [n, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** Checks one value from a file against its flag's type, converting numeric strings (YAML reads `1e-4` as a string). */
function convert(path: string, key: string, spec: OptionSpec, value: unknown): unknown {
  const bad = (expected: string) => usageError(`--config ${path}: ${key} must be ${expected}, got ${JSON.stringify(value)}`, 'config_invalid_value');
  if (spec.repeatable) {
    const list = Array.isArray(value) ? value : [value];
    return list.map((v) => convert(path, key, { ...spec, repeatable: false }, v));
  }
  switch (spec.type) {
    case 'number':
    case 'integer': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n) || (spec.type === 'integer' && !Number.isSafeInteger(n)))
        throw bad(spec.type === 'integer' ? 'a whole number' : 'a number');
      return n;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw bad('true or false');
      return value;
    default:
      if (typeof value !== 'string' && typeof value !== 'number') throw bad('a string');
      if (spec.choices && !spec.choices.includes(String(value))) throw bad(`one of ${spec.choices.join(', ')}`);
      return String(value);
  }
}

/**
 * Merges a config file under the command line: returns the options with the file's values where
 * no flag was given. `positional` lists argument names the file may also set (`model`, `data`).
 */
export function mergeConfig(
  path: string,
  file: Record<string, unknown>,
  specs: readonly OptionSpec[],
  options: Record<string, unknown>,
  given: ReadonlySet<string>,
  positional: readonly string[] = [],
): { options: Record<string, unknown>; args: Record<string, unknown> } {
  const byCamel = new Map(specs.map((s) => [toCamel(s.name), s]));
  const merged = { ...options };
  const args: Record<string, unknown> = {};
  for (const [rawKey, value] of Object.entries(file)) {
    const key = toCamel(rawKey);
    if (positional.includes(key)) {
      args[key] = value;
      continue;
    }
    const spec = byCamel.get(key);
    if (!spec || key === 'config') {
      const near = closest(key, [...byCamel.keys(), ...positional]);
      throw usageError(
        `--config ${path}: unknown setting "${rawKey}"${near ? ` (did you mean "${toKebab(near)}"?)` : ''}; settings are the command's flags without the dashes`,
        'config_unknown_key',
      );
    }
    if (value === null) continue;
    if (!given.has(key)) merged[key] = convert(path, rawKey, spec, value);
  }
  return { options: merged, args };
}

/** Applies `--config` (when given) under a command's flags: the options to use, and positional arguments the file may fill in. */
export function withConfig(
  input: CommandInput,
  ctx: CliContext,
  specs: readonly OptionSpec[],
  positional: readonly string[],
): { opts: Record<string, unknown>; args: Record<string, unknown> } {
  const args: Record<string, unknown> = { ...input.args };
  if (typeof input.options.config !== 'string') return { opts: input.options, args };
  const merged = mergeConfig(input.options.config, readConfigFile(input.options.config, ctx.cwd), specs, input.options, input.given, positional);
  for (const [k, v] of Object.entries(merged.args)) {
    const current = args[k];
    if (current === undefined || (Array.isArray(current) && current.length === 0)) args[k] = v;
  }
  return { opts: merged.options, args };
}
