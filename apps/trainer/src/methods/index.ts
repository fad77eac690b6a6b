/**
 * The method table of `graft train --method`: one row per method, as data. Adding a method is a
 * row here (its flags in `flags.ts`); `--method`, its validation, `--help` and the checks that a
 * method's flags are not given to another method all read this table.
 */
import { usageError } from '../errors';
import { freezingMethods } from './freezing-methods';
import { methodOptions } from './flags';
import type { TrainingMethod } from './method';
import { peftConfigMethod } from './peft-config-method';
import { peftMethods } from './peft-methods';

export type { MethodInput, PreparedMethod, TrainingMethod } from './method';

/** Every method, in the order `--help` lists them. */
export const TRAINING_METHODS: readonly TrainingMethod[] = [...freezingMethods, ...peftMethods, peftConfigMethod];

/** The flags of `graft train` that belong to methods (`--method` and each method's options). */
export function trainMethodOptions() {
  return methodOptions(
    TRAINING_METHODS.filter((m) => !m.unavailable).map((m) => m.name),
    TRAINING_METHODS.filter((m) => m.unavailable).map((m) => m.name),
  );
}

/** Every method flag, camelCased (`loraR`), except `--method` itself. */
function methodFlagNames(): string[] {
  return [...new Set(TRAINING_METHODS.flatMap((m) => m.flags))];
}

const kebab = (camel: string) => `--${camel.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * The row for `--method <value>` (default `full`), after checking that no flag of another
 * method is set; an unknown or unbuilt method, or a stray flag, is a usage error naming the
 * flag and what is allowed. `cwd` resolves a method's files (`--peft-config lora.json`).
 */
export function resolveMethod(value: unknown, options: Readonly<Record<string, unknown>>, cwd: string): { method: TrainingMethod; value: string } {
  const name = value === undefined ? 'full' : String(value);
  const method = TRAINING_METHODS.find((m) => (m.matches ? m.matches(name) : m.name === name));
  if (!method) throw usageError(`--method "${name}" is not a training method; allowed: ${TRAINING_METHODS.map((m) => m.name).join(', ')}`, 'invalid_method');
  if (method.unavailable) throw usageError(method.unavailable, 'method_unavailable');
  for (const flag of methodFlagNames()) {
    if (options[flag] === undefined || method.flags.includes(flag)) continue;
    const owners = TRAINING_METHODS.filter((m) => m.flags.includes(flag)).map((m) => m.name);
    throw usageError(`${kebab(flag)} applies to --method ${owners.join(', ')}, not --method ${name}`, 'invalid_method_option');
  }
  method.check?.(name, options, cwd);
  return { method, value: name };
}
