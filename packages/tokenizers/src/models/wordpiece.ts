/**
 * WordPiece model (BERT): greedy longest-match-first from the start of the word; pieces after the
 * first carry the continuing-subword prefix ("##"). A word with an unmatched part, or longer than
 * `max_input_chars_per_word` characters, becomes the unknown token.
 */
import type { Model } from '../components';
import type { JsonReader } from '../json-reader';
import type { Token } from '../pre-tokenized-string';
import { readVocabObject, requireId, vocabFromMap, vocabToObject, WordCache, type Vocab } from './vocab';

/** Options of WordPiece (tokenizer.json field names). */
export interface WordPieceOptions {
  unk_token?: string;
  continuing_subword_prefix?: string;
  max_input_chars_per_word?: number;
}

/** The WordPiece model. */
export class WordPiece implements Model {
  readonly vocab: Vocab;
  readonly unkToken: string;
  readonly prefix: string;
  readonly maxInputCharsPerWord: number;
  // Continuation pieces keyed without their prefix, so matching needs no string concatenation.
  private readonly continuing = new Map<string, number>();
  private readonly maxLen: number;
  private readonly maxContinuingLen: number;
  private readonly cache = new WordCache<Token[]>(50_000);

  constructor(vocab: Map<string, number>, o: WordPieceOptions = {}) {
    this.vocab = vocabFromMap(vocab, 'model "WordPiece"');
    this.unkToken = o.unk_token ?? '[UNK]';
    this.prefix = o.continuing_subword_prefix ?? '##';
    this.maxInputCharsPerWord = o.max_input_chars_per_word ?? 100;
    let maxLen = 0;
    let maxCont = 0;
    for (const [token, id] of vocab) {
      maxLen = Math.max(maxLen, token.length);
      if (token.startsWith(this.prefix)) {
        this.continuing.set(token.slice(this.prefix.length), id);
        maxCont = Math.max(maxCont, token.length - this.prefix.length);
      }
    }
    this.maxLen = maxLen;
    this.maxContinuingLen = maxCont;
  }

  /** Reads the tokenizer.json form. */
  static fromJSON(r: JsonReader): WordPiece {
    return new WordPiece(readVocabObject(r).tokenToId, {
      unk_token: r.string('unk_token', '[UNK]'),
      continuing_subword_prefix: r.string('continuing_subword_prefix', '##'),
      max_input_chars_per_word: r.uint('max_input_chars_per_word', 100),
    });
  }

  get vocabSize(): number {
    return this.vocab.tokenToId.size;
  }

  tokenToId(token: string): number | undefined {
    return this.vocab.tokenToId.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.vocab.idToToken[id];
  }

  getVocab(): Map<string, number> {
    return new Map(this.vocab.tokenToId);
  }

  private unk(length: number): Token[] {
    const id = requireId(this.vocab, this.unkToken, 'model "WordPiece"', 'unk_token');
    return [{ id, value: this.unkToken, offsets: [0, length] }];
  }

  tokenize(word: string): Token[] {
    const hit = this.cache.get(word);
    if (hit) return hit;
    const tokens = this.tokenizeUncached(word);
    this.cache.set(word, tokens);
    return tokens;
  }

  private tokenizeUncached(word: string): Token[] {
    const n = word.length;
    if (n > this.maxInputCharsPerWord && [...word].length > this.maxInputCharsPerWord) return this.unk(n);
    const out: Token[] = [];
    let start = 0;
    while (start < n) {
      const table = start === 0 ? this.vocab.tokenToId : this.continuing;
      let end = Math.min(n, start + (start === 0 ? this.maxLen : this.maxContinuingLen));
      // Never cut a surrogate pair.
      if (end < n && isLowSurrogate(word.charCodeAt(end))) end--;
      let found: Token | null = null;
      while (start < end) {
        const sub = word.slice(start, end);
        const id = table.get(sub);
        if (id !== undefined) {
          found = { id, value: start === 0 ? sub : this.prefix + sub, offsets: [start, end] };
          break;
        }
        end -= end - 2 >= start && isLowSurrogate(word.charCodeAt(end - 1)) ? 2 : 1;
      }
      if (found === null) return this.unk(n);
      out.push(found);
      start = end;
    }
    return out;
  }

  toJSON() {
    return {
      type: 'WordPiece',
      unk_token: this.unkToken,
      continuing_subword_prefix: this.prefix,
      max_input_chars_per_word: this.maxInputCharsPerWord,
      vocab: vocabToObject(this.vocab),
    };
  }
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

