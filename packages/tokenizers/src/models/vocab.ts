/**
 * Vocabulary helpers shared by the models: reading the `vocab` object of tokenizer.json into a
 * token → id map with its id → token inverse, and writing it back ordered by id (as HF does).
 */
import { TokenizerError } from '../errors';
import type { JsonReader } from '../json-reader';
import { checkTokenId } from '../token-id';

/** A token ↔ id mapping. */
export interface Vocab {
  tokenToId: Map<string, number>;
  idToToken: string[];
}

/** Builds a Vocab from a token → id map, checking that every id is a token id (u32). */
export function vocabFromMap(map: Map<string, number>, where: string): Vocab {
  const idToToken: string[] = [];
  for (const [token, id] of map) idToToken[checkTokenId(id, where, `the vocab id of ${JSON.stringify(token.slice(0, 40))}`)] = token;
  return { tokenToId: map, idToToken };
}

/** Reads `reader.vocab` given as `{ token: id }`. */
export function readVocabObject(r: JsonReader, field = 'vocab'): Vocab {
  const obj = r.object(field);
  const map = new Map<string, number>();
  for (const key of Object.keys(obj)) {
    const id = obj[key];
    map.set(key, checkTokenId(id, `${r.where} field "${field}"`, `the id of ${JSON.stringify(key.slice(0, 40))}`));
  }
  return vocabFromMap(map, r.where);
}

/** The vocab as a `{ token: id }` object ordered by id. */
export function vocabToObject(vocab: Vocab): Record<string, number> {
  const entries = [...vocab.tokenToId].sort((a, b) => a[1] - b[1]);
  const out: Record<string, number> = {};
  for (const [t, id] of entries) out[t] = id;
  return out;
}

/** The token ↔ id lookups every vocabulary-backed model (BPE, WordPiece, WordLevel) shares. */
export abstract class VocabLookup {
  /** @internal the token ↔ id tables the lookups read */
  abstract readonly vocab: Vocab;

  /** How many tokens the vocabulary holds (added tokens not included). */
  get vocabSize(): number {
    return this.vocab.tokenToId.size;
  }

  /** The id of `token`, or `undefined` when the vocabulary has no such token. */
  tokenToId(token: string): number | undefined {
    return this.vocab.tokenToId.get(token);
  }

  /** The token with id `id`, or `undefined` when the vocabulary has no such id. */
  idToToken(id: number): string | undefined {
    return this.vocab.idToToken[id];
  }

  /** The vocabulary as token → id (a new map; changing it does not change the model). */
  getVocab(): Map<string, number> {
    return new Map(this.vocab.tokenToId);
  }
}

/** Looks up `token` or fails with E_VOCAB naming the model and role. */
export function requireId(vocab: Vocab, token: string, where: string, role: string): number {
  const id = vocab.tokenToId.get(token);
  if (id === undefined) throw new TokenizerError('E_VOCAB', `${where}: ${role} ${JSON.stringify(token)} is not in the vocabulary`);
  return id;
}

/** A small bounded string-keyed cache; it simply starts over when full. */
export class WordCache<V> {
  private map = new Map<string, V>();
  constructor(readonly capacity = 10_000) {}

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V): void {
    if (this.capacity <= 0) return;
    if (this.map.size >= this.capacity) this.map = new Map();
    this.map.set(key, value);
  }

  clear(): void {
    this.map.clear();
  }
}
