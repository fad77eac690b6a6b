/**
 * Unigram model (ALBERT, T5, XLNet via SentencePiece): every vocabulary piece has a log
 * probability; a word is cut into the pieces of the highest total score (Viterbi over all
 * segmentations). A character no piece covers is the unknown piece with score
 * `min score - 10`; consecutive unknowns fuse into one token, as in HF and SentencePiece.
 */
import { BYTE_TOKENS } from '../byte-tokens';
import type { Model } from '../components';
import { TokenizerError } from '../errors';
import type { JsonReader } from '../json-reader';
import type { Token } from '../pre-tokenized-string';
import { bestPath } from './lattice';
import { Trie } from './trie';
import { WordCache } from './vocab';

/** Penalty below the lowest score given to unknown characters (SentencePiece's kUnkPenalty). */
export const UNK_PENALTY = 10;

const encoder = new TextEncoder();

/** The Unigram model. */
export class Unigram implements Model {
  readonly pieces: [string, number][];
  readonly unkId: number | null;
  readonly byteFallback: boolean;
  private readonly tokenToIds = new Map<string, number>();
  private readonly trie = new Trie();
  private readonly minScore: number;
  private readonly cache = new WordCache<Token[]>(50_000);

  constructor(pieces: [string, number][], unkId: number | null, byteFallback = false) {
    const where = 'model "Unigram"';
    if (unkId !== null && (unkId < 0 || unkId >= pieces.length)) {
      throw new TokenizerError('E_BAD_FIELD', `${where}: field "unk_id" (${unkId}) is outside the vocabulary of ${pieces.length} pieces`);
    }
    this.pieces = pieces;
    this.unkId = unkId;
    this.byteFallback = byteFallback;
    let min = Infinity;
    pieces.forEach(([piece, score], id) => {
      if (!this.tokenToIds.has(piece)) this.tokenToIds.set(piece, id);
      this.trie.insert(piece, id);
      if (score < min) min = score;
    });
    // Later duplicates must not shadow the first id in the trie either.
    for (const [piece, id] of this.tokenToIds) this.trie.insert(piece, id);
    this.minScore = pieces.length > 0 ? min : 0;
  }

  /** Reads the tokenizer.json form: `vocab` is a list of `[piece, score]`. */
  static fromJSON(r: JsonReader): Unigram {
    const pieces = r.array('vocab').map((entry, i): [string, number] => {
      if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || typeof entry[1] !== 'number') {
        throw new TokenizerError('E_BAD_FIELD', `${r.where}: vocab[${i}] must be [piece, score]`);
      }
      return [entry[0], entry[1]];
    });
    return new Unigram(pieces, r.optionalUint('unk_id'), r.bool('byte_fallback', false));
  }

  get vocabSize(): number {
    return this.pieces.length;
  }

  tokenToId(token: string): number | undefined {
    return this.tokenToIds.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.pieces[id]?.[0];
  }

  getVocab(): Map<string, number> {
    return new Map(this.tokenToIds);
  }

  /** The best segmentation of `text` into piece strings (unknown runs fused). */
  encode(text: string): string[] {
    if (text.length === 0) return [];
    const unk = this.unkId === null ? null : { id: this.unkId, score: this.minScore - UNK_PENALTY };
    const path = bestPath(text, this.trie, { score: (id) => this.pieces[id][1], unk, float32: false });
    if (path === null) throw new TokenizerError('E_VOCAB', 'model "Unigram": a character is not covered by any piece and there is no unk_id');
    const out: string[] = [];
    let unkRun = '';
    for (let k = 0; k < path.ids.length; k++) {
      const piece = text.slice(path.starts[k], path.starts[k + 1] ?? text.length);
      if (this.unkId !== null && path.ids[k] === this.unkId) unkRun += piece;
      else {
        if (unkRun) out.push(unkRun), (unkRun = '');
        out.push(piece);
      }
    }
    if (unkRun) out.push(unkRun);
    return out;
  }

  tokenize(word: string): Token[] {
    const hit = this.cache.get(word);
    if (hit) return hit;
    const tokens: Token[] = [];
    let offset = 0;
    for (const piece of this.encode(word)) {
      const end = offset + piece.length;
      const id = this.tokenToIds.get(piece);
      if (id !== undefined) tokens.push({ id, value: piece, offsets: [offset, end] });
      else if (!(this.byteFallback && this.pushBytes(piece, offset, end, tokens))) {
        tokens.push({ id: this.unkId!, value: piece, offsets: [offset, end] });
      }
      offset = end;
    }
    this.cache.set(word, tokens);
    return tokens;
  }

  private pushBytes(piece: string, start: number, end: number, out: Token[]): boolean {
    const found: Token[] = [];
    for (const b of encoder.encode(piece)) {
      const id = this.tokenToIds.get(BYTE_TOKENS[b]);
      if (id === undefined) return false;
      found.push({ id, value: BYTE_TOKENS[b], offsets: [start, end] });
    }
    for (const t of found) out.push(t); // a fused unknown run can be megabytes: no push(...found)
    return true;
  }

  toJSON() {
    return { type: 'Unigram', unk_id: this.unkId, vocab: this.pieces.map(([p, s]) => [p, s]), byte_fallback: this.byteFallback };
  }
}
