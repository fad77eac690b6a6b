/**
 * PretrainedConfig: config.json as a typed object. Field names are config.json's (snake_case:
 * they are data, matched against files transformers writes and reads). Each model type lists its
 * fields with transformers' defaults and checks (`static fields`); fields this version does not
 * know are kept and written back where they were, so a config survives a load–save round trip.
 * Labels follow transformers: `num_labels` is derived from `id2label` when that is present, and
 * setting `num_labels` rebuilds `id2label`/`label2id` as `LABEL_0 …`.
 */
import { ModelConfigError } from '../errors';
import { bool, type FieldSpec, isJsonObject, nullable, oneOf, show, string, stringList } from './fields';

/** How a sequence classifier's loss is chosen (transformers' `problem_type`). */
export type ProblemType = 'single_label_classification' | 'multi_label_classification' | 'regression';

/** The `problem_type` values transformers knows. */
export const PROBLEM_TYPES: readonly ProblemType[] = ['single_label_classification', 'multi_label_classification', 'regression'];

/** The sizes every encoder config has, under one set of names (DistilBERT calls them `dim`, `n_layers`, …). */
export interface ConfigSummary {
  modelType: string;
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  intermediateSize: number;
  maxPositions: number;
  numLabels: number;
}

/** Fields every model type has. */
const COMMON_FIELDS: Record<string, FieldSpec> = {
  architectures: { default: null, check: nullable(stringList), emit: 'ifSet' },
  problem_type: { default: null, check: nullable(oneOf(PROBLEM_TYPES)), emit: 'ifSet' },
  tie_word_embeddings: { default: true, check: bool },
  dtype: { default: null, check: nullable(string), emit: 'ifSet' },
};

/** Label fields, which are read and written as a group. */
const LABEL_FIELDS = new Set(['num_labels', 'id2label', 'label2id']);

/** `LABEL_0 … LABEL_{n-1}`, transformers' default names. */
function defaultLabels(n: number): Record<number, string> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [i, `LABEL_${i}`]));
}

/** The static side every config class has. */
export interface ConfigClass<C extends PretrainedConfig = PretrainedConfig> {
  new (json?: Record<string, unknown>, where?: string): C;
  /** The `model_type` this class reads (`'bert'`). */
  readonly modelType: string;
  /** Its fields with defaults and checks (the common ones are added by the base class). */
  readonly fields: Record<string, FieldSpec>;
}

/** The base of every model config. */
export abstract class PretrainedConfig {
  /** The `model_type` of this config class. */
  static readonly modelType: string = '';
  /** The model-specific fields, with transformers' defaults. */
  static readonly fields: Record<string, FieldSpec> = {};

  declare model_type: string;
  declare architectures: string[] | null;
  declare problem_type: ProblemType | null;
  declare tie_word_embeddings: boolean;
  declare dtype: string | null;
  declare pad_token_id: number | null;
  declare initializer_range: number;
  /** Class index → label name. */
  id2label: Record<number, string> = {};
  /** Label name → class index. */
  label2id: Record<string, number> = {};

  /** config.json keys in their order in the file, and the values of the ones this class does not know. */
  readonly #order: string[];
  readonly #extras = new Map<string, unknown>();

  /**
   * Reads a parsed config.json (`where` names it in errors). Missing fields take transformers'
   * defaults; a bad value throws `ModelConfigError` naming the field.
   */
  constructor(json: Record<string, unknown> = {}, where = 'config.json') {
    if (!isJsonObject(json)) throw new ModelConfigError(`${where}: expected a JSON object, got ${show(json)}`);
    const cls = new.target as unknown as ConfigClass;
    const self = this as unknown as Record<string, unknown>;
    this.#order = Object.keys(json);
    const modelType = json.model_type ?? cls.modelType;
    if (modelType !== cls.modelType) {
      throw new ModelConfigError(`${where}: field 'model_type' is ${show(modelType)}, but this is a '${cls.modelType}' config`, 'model_type');
    }
    this.model_type = cls.modelType;
    const specs = { ...COMMON_FIELDS, ...cls.fields };
    for (const [field, spec] of Object.entries(specs)) {
      self[field] = Object.hasOwn(json, field) ? spec.check(json[field], field, where) : structuredClone(spec.default);
    }
    for (const key of this.#order) if (!Object.hasOwn(specs, key) && !LABEL_FIELDS.has(key) && key !== 'model_type') this.#extras.set(key, json[key]);
    this.#readLabels(json, where);
    this.validate(where);
  }

  /** Checks that need several fields (heads dividing the width, …); throws ModelConfigError. */
  protected validate(_where: string): void {}

  /** The sizes of the model under one set of names. */
  abstract summary(): ConfigSummary;

  /** The number of labels (classes) of a classification head. Setting it rebuilds `id2label`/`label2id` unless they already have that many. */
  get num_labels(): number {
    return Object.keys(this.id2label).length;
  }

  /** Sets the number of labels: `id2label`/`label2id` become `LABEL_0 …` unless they already have `n` labels. */
  set num_labels(n: number) {
    if (!Number.isSafeInteger(n) || n < 1) throw new ModelConfigError(`num_labels must be a positive integer, got ${show(n)}`, 'num_labels');
    if (n === this.num_labels) return;
    this.setLabels(defaultLabels(n));
  }

  /** Sets `id2label` and the matching `label2id` (from a list of names, index = class id, or from a map). */
  setLabels(labels: readonly string[] | Record<number, string>): void {
    const entries: [number, string][] = Array.isArray(labels) ? labels.map((l, i) => [i, l]) : Object.entries(labels).map(([k, v]) => [Number(k), v]);
    this.id2label = checkId2Label(Object.fromEntries(entries), 'setLabels', 'id2label');
    this.label2id = Object.fromEntries(Object.entries(this.id2label).map(([i, l]) => [l, Number(i)]));
  }

  /** The value of a field this version does not know (kept from the file). */
  extra(key: string): unknown {
    return this.#extras.get(key);
  }

  /** Sets a field this version does not know; it is written back by `toJSON`. */
  setExtra(key: string, value: unknown): void {
    if (!this.#order.includes(key)) this.#order.push(key);
    this.#extras.set(key, value);
  }

  /** config.json as an object: the file's keys in their order, then new ones sorted (transformers sorts). */
  toJSON(): Record<string, unknown> {
    const cls = this.constructor as unknown as ConfigClass;
    const specs = { ...COMMON_FIELDS, ...cls.fields };
    const self = this as unknown as Record<string, unknown>;
    const value = (key: string): unknown => {
      if (key === 'model_type') return this.model_type;
      if (key === 'num_labels') return this.num_labels;
      if (key === 'id2label') return Object.fromEntries(Object.entries(this.id2label).map(([i, l]) => [String(i), l]));
      if (key === 'label2id') return { ...this.label2id };
      return Object.hasOwn(specs, key) ? structuredClone(self[key]) : structuredClone(this.#extras.get(key));
    };
    const keys = new Set(this.#order);
    const added: string[] = ['model_type'];
    for (const [field, spec] of Object.entries(specs)) {
      const isDefault = JSON.stringify(self[field]) === JSON.stringify(spec.default);
      if ((spec.emit ?? 'always') === 'always' || !isDefault) added.push(field);
    }
    // transformers leaves out the default two LABEL_i labels; anything else is written
    if (JSON.stringify(this.id2label) !== JSON.stringify(defaultLabels(2))) added.push('id2label', 'label2id');
    const out: Record<string, unknown> = {};
    for (const key of keys) out[key] = value(key);
    for (const key of added.filter((k) => !keys.has(k)).sort()) out[key] = value(key);
    return out;
  }

  /** config.json text, as transformers writes it (two-space indent, a final newline). */
  toJSONString(): string {
    return `${JSON.stringify(this.toJSON(), null, 2)}\n`;
  }

  /** A copy of this config with some fields replaced (HF names, e.g. `{ hidden_dropout_prob: 0 }`). */
  with(overrides: Record<string, unknown>): this {
    const json = this.toJSON();
    // an explicit label count replaces the label maps, as transformers' num_labels kwarg does
    if ('num_labels' in overrides && !('id2label' in overrides)) {
      delete json.id2label;
      delete json.label2id;
    }
    const Cls = this.constructor as new (json: Record<string, unknown>, where?: string) => this;
    return new Cls({ ...json, ...overrides }, 'config overrides');
  }

  #readLabels(json: Record<string, unknown>, where: string): void {
    if (json.id2label !== undefined && json.id2label !== null) {
      // num_labels is derived from id2label when both are given, as in transformers
      this.id2label = checkId2Label(json.id2label, where, 'id2label');
      if (json.label2id !== undefined && json.label2id !== null) {
        this.label2id = checkLabel2Id(json.label2id, this.id2label, where);
      } else {
        this.label2id = Object.fromEntries(Object.entries(this.id2label).map(([i, l]) => [l, Number(i)]));
      }
      return;
    }
    const n = json.num_labels ?? (isJsonObject(json.label2id) ? Object.keys(json.label2id).length : 2);
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
      throw new ModelConfigError(`${where}: field 'num_labels' must be a positive integer, got ${show(n)}`, 'num_labels');
    }
    if (isJsonObject(json.label2id)) {
      const inverse = Object.fromEntries(Object.entries(json.label2id).map(([l, i]) => [String(i), l]));
      this.id2label = checkId2Label(inverse, where, 'label2id');
      this.label2id = checkLabel2Id(json.label2id, this.id2label, where);
    } else {
      this.setLabels(defaultLabels(n));
    }
  }
}

/** id2label with integer keys 0 … n-1 and string names. */
function checkId2Label(v: unknown, where: string, field: string): Record<number, string> {
  if (!isJsonObject(v)) throw new ModelConfigError(`${where}: field '${field}' must be an object of class id → label, got ${show(v)}`, field);
  const entries = Object.entries(v);
  if (entries.length === 0) throw new ModelConfigError(`${where}: field '${field}' is empty; a classifier needs at least one label`, field);
  const out: Record<number, string> = {};
  for (const [k, label] of entries) {
    const id = Number(k);
    if (!Number.isSafeInteger(id) || id < 0 || String(id) !== k.trim()) {
      throw new ModelConfigError(`${where}: field '${field}' has key ${show(k)}, which is not a class id (0, 1, …)`, field);
    }
    if (typeof label !== 'string') throw new ModelConfigError(`${where}: field '${field}' maps ${id} to ${show(label)}, not a label name`, field);
    out[id] = label;
  }
  for (let i = 0; i < entries.length; i++) {
    if (!(i in out)) throw new ModelConfigError(`${where}: field '${field}' has no class ${i}; class ids must be 0 … ${entries.length - 1}`, field);
  }
  return out;
}

/** label2id, which must be the inverse of id2label. */
function checkLabel2Id(v: unknown, id2label: Record<number, string>, where: string): Record<string, number> {
  if (!isJsonObject(v)) throw new ModelConfigError(`${where}: field 'label2id' must be an object of label → class id, got ${show(v)}`, 'label2id');
  const out: Record<string, number> = {};
  for (const [label, id] of Object.entries(v)) {
    if (typeof id !== 'number' || id2label[id] !== label) {
      throw new ModelConfigError(
        `${where}: field 'label2id' maps ${show(label)} to ${show(id)}, but id2label says ${show(id2label[id as number])}`,
        'label2id',
      );
    }
    out[label] = id;
  }
  if (Object.keys(out).length !== Object.keys(id2label).length) {
    throw new ModelConfigError(`${where}: field 'label2id' has ${Object.keys(out).length} labels but id2label has ${Object.keys(id2label).length}`, 'label2id');
  }
  return out;
}
