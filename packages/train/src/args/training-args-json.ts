/**
 * `training_args.json`: the arguments of a run under HF's snake_case names (they are data, read
 * by people and tools that know `TrainingArguments.to_json_string()`), in declaration order.
 * Reading validates exactly as `trainingArguments` does, so a hand-edited file gets the same
 * errors as code.
 */
import { TrainingArgumentsError } from '../errors';
import { ARGUMENT_SPECS, camelToSnake, snakeToCamel } from './argument-specs';
import { type TrainingArguments, type TrainingArgumentsInput, trainingArguments } from './training-args';

/** The arguments as `training_args.json` text (snake_case keys, two-space indent). */
export function trainingArgumentsToJson(args: TrainingArguments): string {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(ARGUMENT_SPECS)) out[camelToSnake(key)] = (args as unknown as Record<string, unknown>)[key];
  return `${JSON.stringify(out, null, 2)}\n`;
}

/**
 * Parses `training_args.json` text (HF snake_case keys; camelCase keys are accepted too) into
 * validated arguments. Malformed JSON and unknown keys are `TrainingArgumentsError`s.
 */
export function trainingArgumentsFromJson(text: string): Readonly<TrainingArguments> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new TrainingArgumentsError('training_args_invalid_value', '(file)', `training_args.json is not valid JSON: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new TrainingArgumentsError('training_args_invalid_value', '(file)', 'training_args.json must hold one JSON object of arguments');
  }
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    const camel = snakeToCamel(key);
    // an unknown key keeps its spelling, so the error names what the file says
    input[Object.hasOwn(ARGUMENT_SPECS, camel) ? camel : key] = value;
  }
  return trainingArguments(input as TrainingArgumentsInput);
}
