/**
 * The model registry: tokenizer.json `model.type` tags. Files written before models carried a
 * tag are recognised by their fields (merges → BPE, list vocab → Unigram, and so on).
 */
import type { Model } from '../components';
import { JsonReader } from '../json-reader';
import { buildComponent, type ComponentFactory } from '../registry';
import { BPE } from './bpe';
import { Unigram } from './unigram';
import { WordLevel } from './word-level';
import { WordPiece } from './wordpiece';

/** `type` tag → factory for models. */
export const models: Record<string, ComponentFactory<Model>> = {
  WordPiece: (r) => WordPiece.fromJSON(r),
  BPE: (r) => BPE.fromJSON(r),
  Unigram: (r) => Unigram.fromJSON(r),
  WordLevel: (r) => WordLevel.fromJSON(r),
};

/** Registers (or replaces) the factory for a model `type` tag. */
export function registerModel(tag: string, factory: ComponentFactory<Model>): void {
  models[tag] = factory;
}

/** Guesses the tag of an untagged (legacy) model object from its fields. */
function inferModelType(json: Record<string, unknown>): string | undefined {
  if ('merges' in json) return 'BPE';
  if (Array.isArray(json.vocab)) return 'Unigram';
  if ('continuing_subword_prefix' in json || 'max_input_chars_per_word' in json) return 'WordPiece';
  if ('vocab' in json) return 'WordLevel';
  return undefined;
}

/** Builds a model from its tokenizer.json object. */
export function modelFromJSON(json: unknown): Model {
  const base = new JsonReader(json, 'model');
  if (!base.has('type')) {
    const inferred = inferModelType(base.json);
    if (inferred) return buildComponent(models, 'model', { ...base.json, type: inferred });
  }
  return buildComponent(models, 'model', json);
}

export { BPE, Unigram, WordLevel, WordPiece };
