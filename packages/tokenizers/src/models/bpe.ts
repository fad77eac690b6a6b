/**
 * BPE model (GPT-2, RoBERTa, and SentencePiece-converted BPE): a word starts as one symbol per
 * character (with the continuing-subword prefix / end-of-word suffix where configured), unknown
 * characters fall back to `<0xNN>` byte tokens or the unknown token, and merges are applied by
 * rank. Dropout skips merges at random, from a seeded generator so that runs can be repeated.
 */
import { BYTE_TOKENS } from '../byte-tokens';
import type { Model } from '../components';
import { TokenizerError } from '../errors';
import type { JsonReader } from '../json-reader';
import type { Token } from '../pre-tokenized-string';
import { seededRandom } from '../rng';
import { mergeWord, pairKey, type MergeTable } from './bpe-word';
import { VocabLookup, readVocabObject, vocabFromMap, vocabToObject, WordCache, type Vocab } from './vocab';

/** Options of BPE (tokenizer.json field names, plus `seed` for dropout). */
export interface BPEOptions {
  dropout?: number | null;
  unk_token?: string | null;
  continuing_subword_prefix?: string | null;
  end_of_word_suffix?: string | null;
  fuse_unk?: boolean;
  byte_fallback?: boolean;
  ignore_merges?: boolean;
  /** Seed of the dropout generator (not part of tokenizer.json). */
  seed?: number;
}

const encoder = new TextEncoder();

/** The BPE model. */
export class BPE extends VocabLookup implements Model {
  /** @internal the token ↔ id tables; read them with `getVocab`, `tokenToId` and `idToToken` */
  readonly vocab: Vocab;
  readonly merges: [string, string][];
  readonly options: Required<Omit<BPEOptions, 'seed'>>;
  private readonly table: MergeTable;
  // The merge loop works on symbols, dense indices of the distinct ids (0 … n-1), not on ids:
  // ids are any u32 and may be sparse, while the loop packs two symbols into one number key and
  // keeps them in Int32Arrays. Symbols stand for ids, not tokens, so that two tokens sharing an
  // id merge alike, as HF's id-keyed merge map does.
  private readonly symbolOf = new Map<string, number>();
  private readonly symbolIds: number[] = [];
  private readonly symbolTokens: string[] = [];
  private readonly cache = new WordCache<Token[]>(50_000);
  private random: () => number;

  constructor(vocab: Map<string, number>, merges: [string, string][], o: BPEOptions = {}) {
    super();
    const where = 'model "BPE"';
    this.vocab = vocabFromMap(vocab, where);
    this.merges = merges;
    this.options = {
      dropout: o.dropout ?? null,
      unk_token: o.unk_token ?? null,
      continuing_subword_prefix: o.continuing_subword_prefix ?? null,
      end_of_word_suffix: o.end_of_word_suffix ?? null,
      fuse_unk: o.fuse_unk ?? false,
      byte_fallback: o.byte_fallback ?? false,
      ignore_merges: o.ignore_merges ?? false,
    };
    const d = this.options.dropout;
    if (d !== null && !(d >= 0 && d <= 1)) throw new TokenizerError('E_BAD_FIELD', `${where}: field "dropout" must be in [0, 1], got ${d}`);
    this.random = seededRandom(o.seed ?? 0);
    const symbolOfId = new Map<number, number>();
    for (const [token, id] of vocab) {
      let symbol = symbolOfId.get(id);
      if (symbol === undefined) {
        symbol = this.symbolIds.length;
        symbolOfId.set(id, symbol);
        this.symbolIds.push(id);
        this.symbolTokens.push(this.vocab.idToToken[id]);
      }
      this.symbolOf.set(token, symbol);
    }
    const prefixLen = this.options.continuing_subword_prefix?.length ?? 0;
    const index = new Map<number, number>();
    const newSymbols = new Int32Array(merges.length);
    merges.forEach(([a, b], rank) => {
      const ia = this.symbolOf.get(a);
      const ib = this.symbolOf.get(b);
      const merged = a + b.slice(prefixLen);
      const im = this.symbolOf.get(merged);
      if (ia === undefined || ib === undefined || im === undefined) {
        const missing = ia === undefined ? a : ib === undefined ? b : merged;
        throw new TokenizerError('E_VOCAB', `${where}: merge ${rank} ("${a} ${b}") uses ${JSON.stringify(missing)}, which is not in the vocabulary`);
      }
      const key = pairKey(ia, ib);
      if (!index.has(key)) index.set(key, rank);
      newSymbols[rank] = im;
    });
    this.table = { index, newSymbols };
  }

  /** Reads the tokenizer.json form (merges as "a b" strings or `[a, b]` pairs). */
  static fromJSON(r: JsonReader): BPE {
    const merges = r.array('merges').map((m, i) => parseMerge(m, `${r.where} merges[${i}]`));
    return new BPE(readVocabObject(r).tokenToId, merges, {
      dropout: r.has('dropout') ? r.number('dropout') : null,
      unk_token: r.optionalString('unk_token'),
      continuing_subword_prefix: r.optionalString('continuing_subword_prefix'),
      end_of_word_suffix: r.optionalString('end_of_word_suffix'),
      fuse_unk: r.bool('fuse_unk', false),
      byte_fallback: r.bool('byte_fallback', false),
      ignore_merges: r.bool('ignore_merges', false),
    });
  }

  /** Restarts the dropout generator from `seed`. */
  reseed(seed: number): void {
    this.random = seededRandom(seed);
  }

  tokenize(word: string): Token[] {
    if (word.length === 0) return [];
    const dropout = this.options.dropout ?? 0;
    if (dropout > 0) return this.tokenizeWord(word, dropout);
    if (this.options.ignore_merges) {
      const id = this.vocab.tokenToId.get(word);
      if (id !== undefined) return [{ id, value: word, offsets: [0, word.length] }];
    }
    const hit = this.cache.get(word);
    if (hit) return hit;
    const tokens = this.tokenizeWord(word, 0);
    if (word.length < 256) this.cache.set(word, tokens);
    return tokens;
  }

  /** Initial symbols of the word (HF `merge_word` before merging), then the merge loop. */
  private tokenizeWord(word: string, dropout: number): Token[] {
    const { continuing_subword_prefix: prefix, end_of_word_suffix: suffix, unk_token: unk } = this.options;
    const ids: number[] = []; // symbols
    const lens: number[] = [];
    let unkId = -1;
    let unkLen = 0;
    for (let i = 0; i < word.length; ) {
      const c = word.charCodeAt(i);
      const size = c >= 0xd800 && c <= 0xdbff && i + 1 < word.length ? 2 : 1;
      let s = size === 1 ? word[i] : word.slice(i, i + 2);
      if (i > 0 && prefix) s = prefix + s;
      if (i + size === word.length && suffix) s = s + suffix;
      const id = this.symbolOf.get(s);
      if (id !== undefined) {
        if (unkId >= 0) ids.push(unkId), lens.push(unkLen), (unkId = -1);
        ids.push(id);
        lens.push(size);
      } else if (this.options.byte_fallback && this.pushBytes(s, size, ids, lens)) {
        // byte tokens pushed
      } else if (unk !== null) {
        const id = this.symbolOf.get(unk);
        if (id === undefined) throw new TokenizerError('E_VOCAB', `model "BPE": unk_token ${JSON.stringify(unk)} is not in the vocabulary`);
        if (unkId >= 0 && this.options.fuse_unk) unkLen += size;
        else {
          if (unkId >= 0) ids.push(unkId), lens.push(unkLen);
          unkId = id;
          unkLen = size;
        }
      }
      i += size;
    }
    if (unkId >= 0) ids.push(unkId), lens.push(unkLen);
    const merged = mergeWord(ids, lens, this.table, dropout, this.random);
    return merged.symbols.map((sym, k) => ({ id: this.symbolIds[sym], value: this.symbolTokens[sym], offsets: [merged.starts[k], merged.ends[k]] }));
  }

  /** Byte fallback: `<0xNN>` tokens for each UTF-8 byte; all share the character's span. */
  private pushBytes(s: string, size: number, ids: number[], lens: number[]): boolean {
    const bytes = encoder.encode(s);
    const found: number[] = [];
    for (const b of bytes) {
      const id = this.symbolOf.get(BYTE_TOKENS[b]);
      if (id === undefined) return false;
      found.push(id);
    }
    // Byte tokens cannot split a UTF-16 character, so the first carries its width, the rest none.
    found.forEach((id, k) => {
      ids.push(id);
      lens.push(k === 0 ? size : 0);
    });
    return true;
  }

  toJSON() {
    const useStrings = this.merges.every(([a, b]) => !a.includes(' ') && !b.includes(' '));
    return {
      type: 'BPE',
      dropout: this.options.dropout,
      unk_token: this.options.unk_token,
      continuing_subword_prefix: this.options.continuing_subword_prefix,
      end_of_word_suffix: this.options.end_of_word_suffix,
      fuse_unk: this.options.fuse_unk,
      byte_fallback: this.options.byte_fallback,
      ignore_merges: this.options.ignore_merges,
      vocab: vocabToObject(this.vocab),
      merges: this.merges.map(([a, b]) => (useStrings ? `${a} ${b}` : [a, b])),
    };
  }
}

/** Parses one merge, either "a b" or ["a", "b"]. */
export function parseMerge(m: unknown, where: string): [string, string] {
  if (typeof m === 'string') {
    const parts = m.split(' ');
    if (parts.length !== 2) throw new TokenizerError('E_FORMAT', `${where}: merge ${JSON.stringify(m)} must be two tokens separated by one space`);
    return [parts[0], parts[1]];
  }
  if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string') return [m[0], m[1]];
  throw new TokenizerError('E_FORMAT', `${where}: a merge must be "a b" or ["a", "b"]`);
}
