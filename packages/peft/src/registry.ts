/**
 * The PEFT method registry: PEFT's `peft_type` tag → method. It is a plain object filled by a
 * static table (importing the package registers nothing by side effect); a plugin adds a method
 * with `registerPeftMethod`, as tokenizer plugins add components. Configs are parsed through it,
 * so adapter_config.json files of a registered third-party method load like PEFT's own.
 */
import { bitfitMethod } from './bitfit/method';
import { bottleneckMethod } from './bottleneck/method';
import { type ConfigSource, type PeftConfig, parseFields } from './config/peft-config';
import { PeftConfigError, PeftMethodError } from './errors';
import { ia3Method } from './ia3/method';
import { loraMethod } from './lora/method';
import type { PeftMethod } from './method';
import { prefixTuningMethod } from './prefix-tuning/method';
import { promptTuningMethod } from './prompt-tuning/method';

/** `peft_type` → method, for every registered method. */
export const peftMethods: Record<string, PeftMethod> = {
  LORA: loraMethod as unknown as PeftMethod,
  IA3: ia3Method as unknown as PeftMethod,
  BITFIT: bitfitMethod as unknown as PeftMethod,
  BOTTLENECK_ADAPTER: bottleneckMethod as unknown as PeftMethod,
  PREFIX_TUNING: prefixTuningMethod as unknown as PeftMethod,
  PROMPT_TUNING: promptTuningMethod as unknown as PeftMethod,
};

/** Registers (or replaces) a method under its `peftType`. */
export function registerPeftMethod<C extends PeftConfig>(method: PeftMethod<C>): void {
  if (!method || typeof method.peftType !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(method.peftType)) {
    throw new PeftMethodError(
      `registerPeftMethod: a method needs a peftType in PEFT's style (upper case, like 'LORA'), got ${JSON.stringify(method?.peftType)}`,
    );
  }
  if (typeof method.fields !== 'object' || method.fields === null || typeof method.canMerge !== 'boolean') {
    throw new PeftMethodError(`registerPeftMethod('${method.peftType}'): the method needs its config fields and canMerge`);
  }
  if (typeof method.adaptModule !== 'function' && typeof method.inject !== 'function' && typeof method.promptLearning?.createEncoder !== 'function') {
    throw new PeftMethodError(
      `registerPeftMethod('${method.peftType}'): the method needs adaptModule (to wrap matched modules), inject, or promptLearning (for prompt learning)`,
    );
  }
  peftMethods[method.peftType] = method as unknown as PeftMethod;
}

/** The method registered under `peftType`; an unknown tag throws, listing the registered ones. */
export function peftMethod(peftType: string): PeftMethod {
  const method = Object.hasOwn(peftMethods, peftType) ? peftMethods[peftType] : undefined;
  if (!method) {
    throw new PeftMethodError(
      `peft_type '${peftType}' is not supported (registered: ${Object.keys(peftMethods).sort().join(', ')}); a plugin can add it with registerPeftMethod`,
    );
  }
  return method;
}

/**
 * A validated config from code or from adapter_config.json: the method is chosen by its
 * `peft_type`, missing fields take PEFT's defaults, and a bad or unknown field throws a
 * `PeftConfigError` naming it.
 */
export function parsePeftConfig(json: unknown, source?: ConfigSource, where?: string): PeftConfig {
  // a config parsed from a file keeps the file's leniency when it is passed on (getPeftModel re-validates what it gets)
  const from = source ?? (typeof json === 'object' && json !== null ? parsedFrom.get(json) : undefined) ?? 'user';
  const config = parseWith(json, from, where ?? (from === 'file' ? 'adapter_config.json' : 'PEFT config'));
  parsedFrom.set(config, from);
  return config;
}

/** Where each config this module parsed came from. */
const parsedFrom = new WeakMap<object, ConfigSource>();

function parseWith(json: unknown, source: ConfigSource, where: string): PeftConfig {
  const type = (json as { peft_type?: unknown } | null)?.peft_type;
  if (typeof type !== 'string') {
    throw new PeftConfigError(
      'peft_config_invalid',
      `${where}: field 'peft_type' must name the method ('LORA', 'IA3', …), got ${JSON.stringify(type)}`,
      'peft_type',
    );
  }
  const method = peftMethod(type);
  const config = parseFields(json, type, method.fields, source, where);
  method.validate?.(config, where);
  return config;
}
