/**
 * The methods that add a PEFT adapter (@graft/peft): `lora`, `ia3`, `bitfit`, `adapter`
 * (bottleneck, Houlsby), `prefix` and `prompt`, configured from their flags with PEFT's field names
 * and defaults (`task_type: SEQ_CLS`, so the classifier is trained in full and saved with the
 * adapter, as in PEFT). `best/` holds PEFT's files (`adapter_config.json` +
 * `adapter_model.safetensors`, the base model's path relative to it), the tokenizer files and
 * `id2label.json`. `--method peft` (peft-config-method.ts) sets its adapter up with the same
 * {@link prepareAdapterFrom}.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { Generator } from '@graft/core';
import { getPeftModel, parsePeftConfig, type PeftModel, PeftConfigError, PeftTargetError } from '@graft/peft';
import { savePeftAdapter } from '@graft/peft/node';
import type { TextBatch } from '@graft/data';
import type { TrainableModel } from '@graft/train';
import { usageError } from '../errors';
import { writeFiles } from '../run-directory';
import { ID2LABEL_FILE, id2labelJson } from '../adapter-dir';
import { listFlag } from './flags';
import type { MethodInput, PreparedMethod, TrainingMethod } from './method';

/** PEFT's config field → the flag that sets it (for errors about a field). */
const FLAG_OF_FIELD: Record<string, string> = {
  r: '--lora-r',
  lora_alpha: '--lora-alpha',
  lora_dropout: '--lora-dropout',
  target_modules: '--target-modules',
  exclude_modules: '--exclude-modules',
  modules_to_save: '--modules-to-save',
  use_rslora: '--use-rslora',
  use_dora: '--use-dora',
  bias: '--bias',
  init_lora_weights: '--init-lora-weights',
  layers_to_transform: '--layers-to-transform',
  feedforward_modules: '--feedforward-modules',
  reduction_factor: '--reduction-factor',
  non_linearity: '--non-linearity',
  init_weights: '--adapter-init',
  leave_out: '--leave-out',
  num_virtual_tokens: '--num-virtual-tokens',
  prefix_projection: '--prefix-projection',
  prompt_tuning_init: '--prompt-init',
  prompt_tuning_init_text: '--prompt-init-text',
};

const REGEX_CHARS = /[()|*+?^$\\{}[\]]/;

/**
 * `--target-modules` as PEFT's field: `all-linear`, a regular expression (one value with regex
 * characters, matched against the whole path, as PEFT matches a string), or a list of names.
 */
export function modulesField(value: unknown): string | string[] | undefined {
  if (value === undefined) return undefined;
  const raw = (Array.isArray(value) ? value : [value]).map(String);
  if (raw.length === 1 && (raw[0] === 'all-linear' || REGEX_CHARS.test(raw[0]))) return raw[0];
  return listFlag(raw);
}

/** `--layers-to-transform 0,2` → [0, 2]. */
function layerIndices(value: unknown, flag = '--layers-to-transform'): number[] | undefined {
  const list = listFlag(value);
  if (list === undefined) return undefined;
  return list.map((s) => {
    if (!/^\d+$/.test(s)) throw usageError(`${flag} takes layer indices (0, 1, …), comma-separated; got "${s}"`, 'invalid_method_option');
    return Number(s);
  });
}

/** The CLI's prompt length when `--num-virtual-tokens` is not given (PEFT has no default; 20 is its examples'). */
const DEFAULT_VIRTUAL_TOKENS = 20;

/** `--prompt-init`: TEXT when only `--prompt-init-text` is given; TEXT needs the text. */
function promptInit(o: Readonly<Record<string, unknown>>): string | undefined {
  const init = (o.promptInit as string | undefined) ?? (o.promptInitText !== undefined ? 'TEXT' : undefined);
  if (init === 'TEXT' && o.promptInitText === undefined)
    throw usageError('--prompt-init TEXT starts the prompt from the embeddings of a text: pass --prompt-init-text "…"', 'invalid_method_option');
  if (init !== 'TEXT' && o.promptInitText !== undefined)
    throw usageError(`--prompt-init-text goes with --prompt-init TEXT, not ${init}`, 'invalid_method_option');
  return init;
}

/** The fields of each method from its flags (only those given: the rest keep PEFT's defaults). */
const FIELDS: Record<string, (o: Readonly<Record<string, unknown>>) => Record<string, unknown>> = {
  LORA: (o) => ({
    r: o.loraR,
    lora_alpha: o.loraAlpha,
    lora_dropout: o.loraDropout,
    target_modules: modulesField(o.targetModules),
    exclude_modules: modulesField(o.excludeModules),
    modules_to_save: listFlag(o.modulesToSave),
    use_rslora: o.useRslora,
    use_dora: o.useDora,
    bias: o.bias,
    init_lora_weights: o.initLoraWeights === undefined ? undefined : o.initLoraWeights === 'gaussian' ? 'gaussian' : o.initLoraWeights === 'true',
    layers_to_transform: layerIndices(o.layersToTransform),
  }),
  IA3: (o) => ({
    target_modules: modulesField(o.targetModules),
    exclude_modules: modulesField(o.excludeModules),
    modules_to_save: listFlag(o.modulesToSave),
    feedforward_modules: modulesField(o.feedforwardModules),
  }),
  BITFIT: (o) => ({
    target_modules: modulesField(o.targetModules),
    exclude_modules: modulesField(o.excludeModules),
    modules_to_save: listFlag(o.modulesToSave),
  }),
  BOTTLENECK_ADAPTER: (o) => ({
    target_modules: modulesField(o.targetModules),
    exclude_modules: modulesField(o.excludeModules),
    modules_to_save: listFlag(o.modulesToSave),
    reduction_factor: o.reductionFactor,
    non_linearity: o.nonLinearity,
    init_weights: o.adapterInit,
    leave_out: layerIndices(o.leaveOut, '--leave-out'),
  }),
  PREFIX_TUNING: (o) => ({
    modules_to_save: listFlag(o.modulesToSave),
    num_virtual_tokens: o.numVirtualTokens ?? DEFAULT_VIRTUAL_TOKENS,
    prefix_projection: o.prefixProjection,
  }),
  PROMPT_TUNING: (o) => ({
    modules_to_save: listFlag(o.modulesToSave),
    num_virtual_tokens: o.numVirtualTokens ?? DEFAULT_VIRTUAL_TOKENS,
    prompt_tuning_init: promptInit(o),
    prompt_tuning_init_text: o.promptInitText,
  }),
};

/** PEFT's config for `peftType` from the flags. */
export function peftConfigFromFlags(
  peftType: string,
  options: Readonly<Record<string, unknown>>,
  modelDir: string,
): { peft_type: string } & Record<string, unknown> {
  const fields = Object.fromEntries(Object.entries(FIELDS[peftType](options)).filter(([, v]) => v !== undefined));
  // PEFT needs the tokenizer of a TEXT start to rebuild the config (written relative to the adapter on save)
  const tokenizer = fields.prompt_tuning_init === 'TEXT' ? { tokenizer_name_or_path: modelDir || '.' } : {};
  return { peft_type: peftType, task_type: 'SEQ_CLS', base_model_name_or_path: modelDir, ...tokenizer, ...fields };
}

/** Runs `fn`, turning PEFT's config and target errors into usage errors that name the flag. */
function asFlagErrors<T>(method: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof PeftConfigError) {
      const flag = e.field ? FLAG_OF_FIELD[e.field] : undefined;
      throw usageError(`${flag ?? `--method ${method}`}: ${e.message}`, 'invalid_method_option');
    }
    if (e instanceof PeftTargetError) throw usageError(`--target-modules: ${e.message}`, 'invalid_method_option');
    throw e;
  }
}

/** Validates the config the flags make (PEFT's checks), before anything is loaded. */
function checkAdapter(peftType: string): (value: string, options: Readonly<Record<string, unknown>>) => void {
  return (value, options) => {
    asFlagErrors(value, () => parsePeftConfig(peftConfigFromFlags(peftType, options, '')));
  };
}

function prepareAdapter(peftType: string): (input: MethodInput) => PreparedMethod {
  return (input) =>
    prepareAdapterFrom(peftConfigFromFlags(peftType, input.options, input.modelDir), input, {
      asUsage: (fn) => asFlagErrors(input.value, fn),
      name: (field) => FLAG_OF_FIELD[field] ?? field,
    });
}

/** How an adapter row speaks of what the user set: as flags (`--exclude-modules`) or as PEFT's fields (`exclude_modules`). */
export interface AdapterRowTerms {
  /** Runs a step of setting the adapter up, turning PEFT's errors into usage errors that name what the user set. */
  asUsage<T>(fn: () => T): T;
  /** What the user sets a config field with. */
  name(field: string): string;
}

/**
 * Sets the adapter of `config` (PEFT's fields, `task_type` and `base_model_name_or_path` filled
 * in) up on the loaded model, for every adapter row: modules the checkpoint lacks are saved with
 * the adapter (see {@link unsavedFreshModules}), and `best/` gets PEFT's files, the tokenizer and
 * the label names.
 */
export function prepareAdapterFrom(config: { peft_type: string } & Record<string, unknown>, input: MethodInput, terms: AdapterRowTerms): PreparedMethod {
  const peftType = config.peft_type;
  if (config.prompt_tuning_init === 'TEXT' && config.prompt_tuning_init_token_ids == null) {
    // what PEFT gets from tokenizer(prompt_tuning_init_text)["input_ids"]
    if (!input.tokenize) throw usageError(`${terms.name('prompt_tuning_init')} TEXT needs the run's tokenizer`, 'invalid_method_option');
    config.prompt_tuning_init_token_ids = input.tokenize(String(config.prompt_tuning_init_text));
  }
  const create = (c: typeof config): PeftModel =>
    terms.asUsage(() => getPeftModel(input.model, c, { generator: new Generator(input.seed), warn: (m) => input.ctx.warn(m) }));
  let peft = create(config);
  const { unsaved, adapted } = unsavedFreshModules(peft, input.model);
  // BitFit on a fresh module trains its bias: a saved copy whose bias trains is the same method
  const extra = peftType === 'BITFIT' ? [...unsaved, ...adapted] : unsaved;
  if (extra.length > 0) {
    // again with them in modules_to_save (same seed: the same adapter draw)
    peft.unload();
    peft = create({ ...config, modules_to_save: [...((config.modules_to_save as string[] | null | undefined) ?? []), ...extra] });
    freezeSavedCopies(peft, extra, peftType === 'BITFIT');
    input.ctx.info(
      `${extra.join(', ')}: not in the base checkpoint, so initialised at random; kept ${peftType === 'BITFIT' ? 'as BitFit trains it' : 'frozen'} but saved with the adapter (in modules_to_save) so that it reproduces the trained model`,
    );
  }
  if (peftType !== 'BITFIT' && adapted.length > 0)
    input.ctx.warn(
      `${adapted.join(', ')}: not in the base checkpoint (initialised at random) and adapted by ${input.value}, so the adapter reproduces the trained model only on these same random weights; leave it out (${terms.name('exclude_modules')}) or train it in full (${terms.name('modules_to_save')})`,
    );
  const { peft_type: _t, base_model_name_or_path: _b, ...settings } = peft.peftConfig.default as unknown as Record<string, unknown>;
  return {
    model: peft as unknown as TrainableModel<TextBatch>,
    counts: () => peft.trainableParameters(),
    currentCounts: () => peft.trainableParameters(),
    settings: { method: input.value, peft_type: peftType, ...settings },
    saves: 'adapter',
    async save(dir, tokenizer, labels) {
      const written = await savePeftAdapter(peft, dir);
      await relativeTokenizerPath(dir);
      const extra = new Map<string, Uint8Array | string>([...tokenizer, [ID2LABEL_FILE, id2labelJson(labels)]]);
      await writeFiles(dir, extra);
      return [...written, ...extra.keys()];
    },
  };
}

/** Writes a prompt's `tokenizer_name_or_path` relative to the adapter, as `base_model_name_or_path` is (no absolute paths in the config). */
async function relativeTokenizerPath(dir: string): Promise<void> {
  const path = join(dir, 'adapter_config.json');
  const config = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  const tok = config.tokenizer_name_or_path;
  if (typeof tok !== 'string' || !isAbsolute(tok)) return;
  config.tokenizer_name_or_path = relative(dir, tok).split(sep).join('/') || '.';
  await writeFiles(dir, new Map([['adapter_config.json', `${JSON.stringify(config, null, 2)}\n`]]));
}

/**
 * Modules of the base model that the checkpoint did not hold (BERT's pooler, on a checkpoint
 * pretrained without next-sentence prediction) and that the adapter would not save: they start
 * at random with the run's seed, so the adapter would only reproduce the trained model with that
 * same draw (and never in Python). `unsaved`: outside adapters and `modules_to_save`; `adapted`:
 * adapter targets themselves (their random base weights are not in the adapter either).
 */
function unsavedFreshModules(peft: PeftModel, model: MethodInput['model']): { unsaved: string[]; adapted: string[] } {
  const keys = model.loadingInfo?.newlyInitialized ?? [];
  const paths = [...new Set(keys.map((k) => k.slice(0, k.lastIndexOf('.'))))].filter((p) => p !== '').sort();
  const names = [...peft.namedParameters()].map(([name]) => name.replace(/^base_model\.(model\.)?/, ''));
  const ancestors = (path: string) => path.split('.').map((_, i, parts) => parts.slice(0, i + 1).join('.'));
  const saved = (path: string) => ancestors(path).some((a) => names.some((n) => n.startsWith(`${a}.modules_to_save.`)));
  const isAdapted = (path: string) => names.some((n) => n.startsWith(`${path}.base_layer.`));
  const open = paths.filter((p) => !saved(p));
  return { unsaved: open.filter((p) => !isAdapted(p)), adapted: open.filter(isAdapted) };
}

/**
 * Freezes the saved copies of `paths` (PEFT's `modules_to_save` copies train otherwise), so the
 * method trains what PEFT's defaults train; BitFit keeps their biases training, as it would.
 */
function freezeSavedCopies(peft: PeftModel, paths: readonly string[], keepBiases: boolean): void {
  for (const [name, p] of peft.namedParameters()) {
    if (!paths.some((path) => name.includes(`${path}.modules_to_save.`))) continue;
    if (keepBiases && name.endsWith('.bias')) continue;
    p.requiresGrad_(false);
  }
}

const ADAPTER_FLAGS = ['targetModules', 'excludeModules', 'modulesToSave'];

/** `lora`, `ia3`, `bitfit`, `adapter`, `prefix`, `prompt`. */
export const peftMethods: readonly TrainingMethod[] = [
  {
    name: 'lora',
    summary: "LoRA with PEFT's semantics (default r 8, alpha 8, query and value for BERT); the classifier trains in full",
    flags: [...ADAPTER_FLAGS, 'loraR', 'loraAlpha', 'loraDropout', 'useRslora', 'useDora', 'bias', 'initLoraWeights', 'layersToTransform'],
    check: checkAdapter('LORA'),
    prepare: prepareAdapter('LORA'),
  },
  {
    name: 'ia3',
    summary: '(IA)³: learned vectors scaling keys, values and the feed-forward input',
    flags: [...ADAPTER_FLAGS, 'feedforwardModules'],
    check: checkAdapter('IA3'),
    prepare: prepareAdapter('IA3'),
  },
  {
    name: 'bitfit',
    summary: 'BitFit: only the biases (and the classifier) train',
    flags: ADAPTER_FLAGS,
    check: checkAdapter('BITFIT'),
    prepare: prepareAdapter('BITFIT'),
  },
  {
    name: 'adapter',
    summary: 'bottleneck adapters (Houlsby) after the attention and feed-forward outputs of every layer',
    flags: [...ADAPTER_FLAGS, 'reductionFactor', 'nonLinearity', 'adapterInit', 'leaveOut'],
    check: checkAdapter('BOTTLENECK_ADAPTER'),
    prepare: prepareAdapter('BOTTLENECK_ADAPTER'),
  },
  {
    name: 'prefix',
    summary: 'prefix tuning: trained keys and values every token attends to, in every layer',
    flags: ['modulesToSave', 'numVirtualTokens', 'prefixProjection'],
    check: checkAdapter('PREFIX_TUNING'),
    prepare: prepareAdapter('PREFIX_TUNING'),
  },
  {
    name: 'prompt',
    summary: 'prompt tuning: trained input embeddings put before the text',
    flags: ['modulesToSave', 'numVirtualTokens', 'promptInit', 'promptInitText'],
    check: checkAdapter('PROMPT_TUNING'),
    prepare: prepareAdapter('PROMPT_TUNING'),
  },
];
