/**
 * Which modules an adapter goes into, with PEFT's rules (`check_target_module_exists` and
 * friends in tuners_utils.py):
 * - `target_modules` as a string is a regular expression that must match the whole module path;
 *   as a list, each name matches a path exactly or as a dotted suffix (`query` matches
 *   `bert.encoder.layer.0.attention.self.query`, not `my_query`); `'all-linear'` is every Linear
 *   but the output layer;
 * - `exclude_modules` follows the same convention and wins;
 * - modules in `modules_to_save` (any path segment equal to a name) are never adapted;
 * - `leave_out` (bottleneck adapters) excludes the modules of the given layers;
 * - `layers_to_transform` keeps list matches in the given layers, the layer index being the
 *   first number after `<layers_pattern>.` (any segment when the pattern is not given);
 * - `rank_pattern` / `alpha_pattern` keys are regular expressions matched as a dotted suffix,
 *   the first that matches wins.
 * Patterns are PEFT's Python regular expressions run as JavaScript ones; the common syntax
 * (classes, groups, alternation, quantifiers) means the same in both.
 */
import { type AnyModule, Embedding, Linear } from '@graft/nn';
import type { TaskType } from '../config/peft-config';
import { AdapterLayer } from './adapter-layer';
import { ModulesToSaveWrapper } from './modules-to-save';

/** The config fields target matching reads (a method's config has the ones it supports). */
export interface TargetFields {
  target_modules?: string[] | string | null;
  exclude_modules?: string[] | string | null;
  modules_to_save?: string[] | null;
  layers_to_transform?: number | number[] | null;
  layers_pattern?: string | string[] | null;
  /** Layer indices that get no adapter whatever else matches (the `adapters` library's `leave_out`). */
  leave_out?: readonly number[] | null;
  task_type?: TaskType | null;
}

/** How one module path fares against a config. */
export type TargetMatch = 'match' | 'excluded' | 'unmatched';

/** PEFT's shorthand for every linear layer except the output layer. */
export const ALL_LINEAR = 'all-linear';

const cache = new Map<string, RegExp>();

/** `pattern` compiled once. */
function regex(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(pattern);
    cache.set(pattern, re);
  }
  return re;
}

/** Python's `re.fullmatch(pattern, key)`. */
export function fullMatch(pattern: string, key: string): boolean {
  return regex(`^(?:${pattern})$`).test(key);
}

/** Whether `key` is `name` or ends with `.name`. */
export function matchesName(key: string, name: string): boolean {
  return key === name || key.endsWith(`.${name}`);
}

/** Whether `key` is matched by a list of names or a whole-path regular expression. */
function matchesNamesOrPattern(spec: string[] | string, key: string): boolean {
  return typeof spec === 'string' ? fullMatch(spec, key) : spec.some((n) => matchesName(key, n));
}

/** Whether a path segment of `key` is one of `modules_to_save` (PEFT never adapts inside them). */
export function insideModulesToSave(key: string, modulesToSave: readonly string[] | null | undefined): boolean {
  return !!modulesToSave?.some((m) => regex(`^(?:.*\\.)?${m}(?:$|\\.)`).test(key));
}

/** The layer index of `key` (`bert.encoder.layer.3.attention…` → 3), or null. */
export function layerIndex(key: string, layersPattern: string | string[] | null | undefined): number | null {
  const patterns = layersPattern == null || layersPattern.length === 0 ? [null] : typeof layersPattern === 'string' ? [layersPattern] : layersPattern;
  for (const p of patterns) {
    // lazy `.*?`: the first numbered segment is the layer, not a nested index further right
    const m = regex(p === null ? '^.*?\\.[^.]*\\.(\\d+)\\.' : `^.*?\\.${p}\\.(\\d+)\\.`).exec(key);
    if (m) return Number(m[1]);
  }
  return null;
}

/**
 * How `key` fares against the config. `selectByDefault` decides when `target_modules` is null
 * (methods such as BitFit that pick modules by what they hold, not by name).
 */
export function matchTarget(config: TargetFields, key: string, selectByDefault?: () => boolean): TargetMatch {
  const exclude = config.exclude_modules;
  if (exclude && (typeof exclude === 'string' || exclude.length > 0) && matchesNamesOrPattern(exclude, key)) return 'excluded';
  if (insideModulesToSave(key, config.modules_to_save)) return 'excluded';
  if (config.leave_out && config.leave_out.length > 0) {
    const index = layerIndex(key, config.layers_pattern);
    if (index !== null && config.leave_out.includes(index)) return 'excluded';
  }
  const targets = config.target_modules;
  if (targets == null) return selectByDefault?.() ? 'match' : 'unmatched';
  if (typeof targets === 'string') return fullMatch(targets, key) ? 'match' : 'unmatched';
  if (targets.includes(key)) return 'match';
  if (!targets.some((t) => key.endsWith(`.${t}`))) return 'unmatched';
  const layers = config.layers_to_transform;
  if (layers == null || (Array.isArray(layers) && layers.length === 0)) return 'match';
  const index = layerIndex(key, config.layers_pattern);
  if (index === null) return 'unmatched';
  return (typeof layers === 'number' ? index === layers : layers.includes(index)) ? 'match' : 'unmatched';
}

/** The key of `patterns` that applies to module `key` (`rank_pattern`, `alpha_pattern`), or null. */
export function patternFor(patterns: Record<string, unknown>, key: string): string | null {
  for (const p of Object.keys(patterns)) if (regex(`^(?:.*\\.)?(?:${p})$`).test(key)) return p;
  return null;
}

/** The heads PEFT trains in full for a task (`modules_to_save` defaults: PeftModelForSequenceClassification & co). */
export const TASK_MODULES_TO_SAVE: Partial<Record<TaskType, readonly string[]>> = {
  SEQ_CLS: ['classifier', 'score'],
  TOKEN_CLS: ['classifier', 'score'],
  QUESTION_ANS: ['qa_outputs'],
};

/** Names of a sequence classifier's head, as PEFT's `SEQ_CLS_HEAD_NAMES`. */
const SEQ_CLS_HEAD_NAMES = ['score', 'classifier'];

/** A module that can expose its output embeddings (transformers' `get_output_embeddings`). */
interface WithOutputEmbeddings {
  getOutputEmbeddings(): AnyModule | null;
}

/** The structural parts of a transformers-like model that target selection reads. */
interface ModelLike {
  config?: { model_type?: unknown; vocab_size?: unknown };
}

/** The model's `config.model_type`, or null for a model without a transformers-like config. */
export function modelTypeOf(model: AnyModule): string | null {
  const t = (model as unknown as ModelLike).config?.model_type;
  return typeof t === 'string' ? t : null;
}

/**
 * The path of the model's output layer, which `all-linear` leaves out: what the model's
 * `getOutputEmbeddings()` returns when it has one, else a Linear tied to an Embedding's weight or
 * producing `config.vocab_size` outputs (an LM head, tied or not).
 */
export function outputLayerPath(model: AnyModule): string | null {
  const named = [...model.namedModules()];
  const own =
    typeof (model as unknown as Partial<WithOutputEmbeddings>).getOutputEmbeddings === 'function'
      ? (model as unknown as WithOutputEmbeddings).getOutputEmbeddings()
      : null;
  if (own) return named.find(([, m]) => m === own)?.[0] ?? null;
  const embeddingWeights = new Set(named.filter(([, m]) => m instanceof Embedding).map(([, m]) => (m as Embedding).weight));
  const vocab = (model as unknown as ModelLike).config?.vocab_size;
  const head = named.find(([, m]) => m instanceof Linear && (embeddingWeights.has(m.weight) || m.outFeatures === vocab));
  return head?.[0] ?? null;
}

/**
 * `all-linear` resolved to module names: every Linear (or layer wrapping one), minus the output
 * layer, minus a sequence classifier's head for SEQ_CLS, minus anything inside adapter layers or
 * modules_to_save wrappers (no adapters on adapters).
 */
export function allLinearNames(model: AnyModule, taskType: TaskType | null | undefined): string[] {
  const named = [...model.namedModules()];
  const inside = named.filter(([, m]) => m instanceof AdapterLayer || m instanceof ModulesToSaveWrapper).map(([k]) => `${k}.`);
  const exclude = new Set<string>();
  const output = outputLayerPath(model);
  if (output !== null) exclude.add(output);
  else if (taskType === 'SEQ_CLS') {
    const holder = model as unknown as Record<string, unknown>;
    const head = SEQ_CLS_HEAD_NAMES.find((n) => holder[n] !== undefined && holder[n] !== null);
    if (head) exclude.add(head);
  }
  return named
    .filter(([k, m]) => k !== '' && (m instanceof Linear || (m instanceof AdapterLayer && m.base_layer instanceof Linear)))
    .map(([k]) => k)
    .filter((k) => !exclude.has(k) && !inside.some((p) => k.startsWith(p)));
}
