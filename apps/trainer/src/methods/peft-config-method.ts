/**
 * `--method peft --peft-config <file.json | JSON>`: any method on @graft/peft's registry, the
 * ones a plugin registered with `registerPeftMethod` included (the example plugin's LoHa, with
 * `graft --plugin …`), configured by a PEFT config under PEFT's own field names. It is set up
 * exactly as the flag rows are (`lora` and the others): `task_type` SEQ_CLS, so the classifier
 * trains and is saved with the adapter, modules the checkpoint lacks saved too, and PEFT's files
 * in `best/`; `graft merge` then merges it where the method can.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { PeftConfigError, PeftTargetError, parsePeftConfig, peftMethods } from '@graft/peft';
import { usageError } from '../errors';
import type { MethodInput, TrainingMethod } from './method';
import { prepareAdapterFrom } from './peft-methods';

/** A config for `--peft-config` and where it came from (for messages). */
interface PeftConfigOption {
  json: Record<string, unknown>;
  /** `--peft-config lora.json`, or `--peft-config` for inline JSON. */
  where: string;
}

const EXAMPLE = `--peft-config '{"peft_type": "LORA", "r": 8}'`;

/** Line and column of a 0-based position in `text`. */
function lineColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** Parses `text`, or throws a usage error naming where it stops being JSON. */
function parseJson(text: string, where: string, inline: boolean): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = /at position (\d+)/.exec(message);
    const place = at ? lineColumn(text, Number(at[1])) : null;
    const spot = place ? (inline ? ` at column ${place.column}` : ` at line ${place.line}, column ${place.column}`) : '';
    const hint = inline ? `; quote it for the shell: ${EXAMPLE}` : '';
    throw usageError(`${where}: not valid JSON${spot} (${message})${hint}`, 'invalid_method_option');
  }
}

/** Reads `--peft-config`: inline JSON when it starts with `{` (or `[`), else a JSON file relative to `cwd`. */
function readPeftConfigOption(options: Readonly<Record<string, unknown>>, cwd: string): PeftConfigOption {
  const value = options.peftConfig;
  if (value === undefined)
    throw usageError(
      `--method peft needs --peft-config: a JSON file or inline JSON with the method's peft_type and PEFT's fields, e.g. ${EXAMPLE}`,
      'invalid_method_option',
    );
  const text = String(value);
  const inline = /^\s*[[{]/.test(text);
  const where = inline ? '--peft-config' : `--peft-config ${text}`;
  let source = text;
  if (!inline) {
    const path = resolve(cwd, text);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) throw usageError(`${where}: no such file (${path}); pass a JSON file or inline JSON, e.g. ${EXAMPLE}`, 'peft_config_not_found');
    if (!stat.isFile())
      throw usageError(`${where}: is a folder (${path}); pass a JSON file, such as an adapter's adapter_config.json`, 'peft_config_not_found');
    source = readFileSync(path, 'utf8');
  }
  const json = parseJson(source, where, inline);
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw usageError(
      `${where}: a PEFT config is a JSON object ({"peft_type": …, …}), got ${Array.isArray(json) ? 'a list' : JSON.stringify(json)}`,
      'invalid_method_option',
    );
  return { json: json as Record<string, unknown>, where };
}

/** The registered methods, for messages. */
function registered(): string {
  return Object.keys(peftMethods).sort().join(', ');
}

/**
 * The run's PEFT config from the file's: its method must be registered; `task_type` is the
 * task's (SEQ_CLS, the only one `graft train` trains), `base_model_name_or_path` the model
 * argument, and `inference_mode` false (an adapter_config.json that PEFT saved says true, which
 * would freeze the adapter); a prompt started from text names the run's tokenizer.
 */
function runConfig({ json, where }: PeftConfigOption, modelDir: string): { peft_type: string } & Record<string, unknown> {
  const type = json.peft_type;
  if (typeof type !== 'string' || !Object.hasOwn(peftMethods, type)) {
    const what = typeof type === 'string' ? `peft_type '${type}' is not a registered PEFT method` : 'the config needs peft_type, the method';
    throw usageError(
      `${where}: ${what} (registered: ${registered()}); a method from a plugin is registered by loading the plugin: graft --plugin <module> train …`,
      'invalid_method_option',
    );
  }
  if (json.task_type !== undefined && json.task_type !== 'SEQ_CLS')
    throw usageError(
      `${where}: task_type is ${JSON.stringify(json.task_type)}, but graft train trains sequence classification: leave task_type out or set "SEQ_CLS"`,
      'invalid_method_option',
    );
  const text = json.prompt_tuning_init === 'TEXT' && json.tokenizer_name_or_path == null ? { tokenizer_name_or_path: modelDir || '.' } : {};
  return { ...json, ...text, peft_type: type, task_type: 'SEQ_CLS', base_model_name_or_path: modelDir, inference_mode: false };
}

/** Runs `fn`, passing PEFT's config and target errors on as usage errors with the method's own message. */
function asConfigErrors<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof PeftConfigError || e instanceof PeftTargetError)
      throw usageError(e.message.startsWith(where) ? e.message : `${where}: ${e.message}`, 'invalid_method_option');
    throw e;
  }
}

/** `peft`: the adapter of any registered PEFT method, from `--peft-config`. */
export const peftConfigMethod: TrainingMethod = {
  name: 'peft',
  summary: "any method on @graft/peft's registry (plugins' included) from a PEFT config: --peft-config file.json or inline JSON, PEFT's field names",
  flags: ['peftConfig'],
  check(_value, options, cwd) {
    const option = readPeftConfigOption(options, cwd);
    asConfigErrors(option.where, () => parsePeftConfig(runConfig(option, ''), 'user', option.where));
  },
  prepare(input: MethodInput) {
    const option = readPeftConfigOption(input.options, input.ctx.cwd);
    const config = runConfig(option, input.modelDir);
    return prepareAdapterFrom(config, input, { asUsage: (fn) => asConfigErrors(option.where, fn), name: (field) => field });
  },
};
