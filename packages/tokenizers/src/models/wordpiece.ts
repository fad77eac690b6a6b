/**
 * WordPiece model (BERT): greedy longest-match-first from the start of the word; pieces after the
 * first carry the continuing-subword prefix ("##"). A word with an unmatched part, or longer than
 * `max_input_chars_per_word` characters, becomes the unknown token.
 */
import type { RangeModel, TokenSink } from '../components';
import type { JsonReader } from '../json-reader';
import type { Token } from '../pre-tokenized-string';
import { FlatTrie } from './flat-trie';
import { VocabLookup, readVocabObject, requireId, vocabFromMap, vocabToObject, WordCache, type Vocab } from './vocab';

/** Options of WordPiece (tokenizer.json field names). */
export interface WordPieceOptions {
  unk_token?: string;
  continuing_subword_prefix?: string;
  max_input_chars_per_word?: number;
}

/** The WordPiece model. */
export class WordPiece extends VocabLookup implements RangeModel {
  /** @internal the token ↔ id tables; read them with `getVocab`, `tokenToId` and `idToToken` */
  readonly vocab: Vocab;
  readonly unkToken: string;
  readonly prefix: string;
  readonly maxInputCharsPerWord: number;
  // One trie over the whole vocabulary. Continuation pieces are the keys below the prefix's
  // node, so both kinds of piece are found by walking the word's characters. It is built here,
  // not on first use: building it in the middle of an encode makes V8 see that encode's objects
  // survive collections and pretenure their allocation sites, which slows every later encode.
  private readonly trie: FlatTrie;
  private readonly continuingRoot: number;
  private readonly tokens: string[];
  private readonly ids: number[];
  private readonly cache = new WordCache<Token[]>(50_000);
  // Scratch for the pieces of the word being matched (a word has at most one piece per unit).
  private pieceEnds = new Int32Array(64);
  private pieceKeys = new Int32Array(64);

  constructor(vocab: Map<string, number>, o: WordPieceOptions = {}) {
    super();
    this.vocab = vocabFromMap(vocab, 'model "WordPiece"');
    this.unkToken = o.unk_token ?? '[UNK]';
    this.prefix = o.continuing_subword_prefix ?? '##';
    this.maxInputCharsPerWord = o.max_input_chars_per_word ?? 100;
    this.tokens = [...vocab.keys()];
    this.ids = [...vocab.values()];
    this.trie = new FlatTrie(this.tokens.map((t, i) => [t, i] as const));
    this.continuingRoot = this.trie.walk(this.trie.root, this.prefix);
  }

  /** Reads the tokenizer.json form. */
  static fromJSON(r: JsonReader): WordPiece {
    return new WordPiece(readVocabObject(r).tokenToId, {
      unk_token: r.string('unk_token', '[UNK]'),
      continuing_subword_prefix: r.string('continuing_subword_prefix', '##'),
      max_input_chars_per_word: r.uint('max_input_chars_per_word', 100),
    });
  }

  tokenize(word: string): Token[] {
    const hit = this.cache.get(word);
    if (hit) return hit;
    const tokens = this.tokenizeUncached(word);
    this.cache.set(word, tokens);
    return tokens;
  }

  private tokenizeUncached(word: string): Token[] {
    const out: Token[] = [];
    this.tokenizeRange(word, 0, word.length, { push: (id, value, start, end) => out.push({ id, value, offsets: [start, end] }) });
    return out;
  }

  /** Tokenizes `text[start..end)` as one word, without copying it out of `text`. */
  tokenizeRange(text: string, start: number, end: number, sink: TokenSink): void {
    const n = end - start;
    if (n > this.maxInputCharsPerWord && countCodePoints(text, start, end) > this.maxInputCharsPerWord) {
      this.pushUnk(start, end, sink);
      return;
    }
    const trie = this.trie;
    // Greedy longest match first, as HF: the longest vocabulary piece at `at` (with the prefix
    // after the first piece) is the longest key on the trie path of the rest of the word. The
    // pieces are only emitted once the whole word matched, since a miss makes it one unknown.
    if (n > this.pieceEnds.length) (this.pieceEnds = new Int32Array(n)), (this.pieceKeys = new Int32Array(n));
    const ends = this.pieceEnds;
    const keys = this.pieceKeys;
    let count = 0;
    for (let at = start; at < end; ) {
      const node = at === start ? trie.root : this.continuingRoot;
      const stop = node < 0 ? -1 : trie.longestMatch(node, text, at, end);
      if (stop < 0) {
        this.pushUnk(start, end, sink);
        return;
      }
      ends[count] = stop;
      keys[count++] = trie.matchedValue;
      at = stop;
    }
    for (let k = 0, at = start; k < count; at = ends[k++]) sink.push(this.ids[keys[k]], this.tokens[keys[k]], at, ends[k]);
  }

  private pushUnk(start: number, end: number, sink: TokenSink): void {
    const id = requireId(this.vocab, this.unkToken, 'model "WordPiece"', 'unk_token');
    sink.push(id, this.unkToken, start, end);
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

function countCodePoints(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++, n++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  return n;
}
