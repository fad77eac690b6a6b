/**
 * The five pipeline stages, one small interface each (as in HF `tokenizers`). Every component
 * serializes back to its tokenizer.json object with `toJSON()`, `type` tag included, so a loaded
 * tokenizer saves to a file that HF can read.
 */
import type { Encoding } from './encoding';
import type { JsonObject } from './json-reader';
import type { NormalizedString } from './normalized-string';
import type { PreTokenizedString, Token } from './pre-tokenized-string';

/** Rewrites text in place, keeping the alignment to the original (e.g. lowercasing). */
export interface Normalizer {
  /** Rewrites `s` in place; its alignments keep every character traceable to the input. */
  normalize(s: NormalizedString): void;
  /** This normalizer as its tokenizer.json object (`type` tag included). */
  toJSON(): JsonObject;
}

/** Cuts text into word-like splits before the model sees it (e.g. on whitespace). */
export interface PreTokenizer {
  /** Splits each of `s`'s current splits further, in place. */
  preTokenize(s: PreTokenizedString): void;
  /** This pre-tokenizer as its tokenizer.json object (`type` tag included). */
  toJSON(): JsonObject;
}

/**
 * A pre-tokenizer whose splits are plain ranges of the text it is given: it only cuts, never
 * changes characters, and keeps nothing of what it drops. Such a pre-tokenizer can report the
 * ranges directly, which lets the tokenizer skip building a NormalizedString per word.
 */
export interface RangePreTokenizer extends PreTokenizer {
  /** Appends `start, end` for each non-empty split of `text`, in order, to `out`. */
  splitRanges(text: string, out: number[]): void;
}

/** Receives the tokens of a `RangeModel`; `start`/`end` are positions in the text it was given. */
export interface TokenSink {
  /** Receives one token: its id, its string and its `[start, end)` range in the text. */
  push(id: number, value: string, start: number, end: number): void;
}

/** A model that can tokenize `text[start..end)` in place, with the same tokens as `tokenize`. */
export interface RangeModel extends Model {
  /** Tokenizes `text[start..end)` and pushes each token, with offsets into `text`, to `sink`. */
  tokenizeRange(text: string, start: number, end: number, sink: TokenSink): void;
}

/** Turns one split into tokens; owns the vocabulary. */
export interface Model {
  /** The tokens of one split, with offsets into `text`. */
  tokenize(text: string): Token[];
  /** The id of `token` in the model's vocabulary, or `undefined` when it has none. */
  tokenToId(token: string): number | undefined;
  /** The token with id `id`, or `undefined` when the vocabulary has no such id. */
  idToToken(id: number): string | undefined;
  /** The vocabulary as token → id (a new map; changing it does not change the model). */
  getVocab(): Map<string, number>;
  /** How many tokens the vocabulary holds (added tokens not included). */
  readonly vocabSize: number;
  /** This model as its tokenizer.json object (`type` tag included). */
  toJSON(): JsonObject;
}

/** Adds special tokens and type ids around one sequence or a pair. */
export interface PostProcessor {
  /** How many tokens `process` adds for a single sequence or a pair. */
  addedTokens(isPair: boolean): number;
  /** Joins `encoding` and `pair` into one encoding, with special tokens when `addSpecialTokens`. */
  process(encoding: Encoding, pair: Encoding | null, addSpecialTokens: boolean): Encoding;
  /** This post-processor as its tokenizer.json object (`type` tag included). */
  toJSON(): JsonObject;
}

/** Turns tokens back into text pieces; `decode` joins what the chain returns. */
export interface Decoder {
  /** Maps tokens to text pieces; a decoder sequence feeds each decoder's output to the next. */
  decodeChain(tokens: string[]): string[];
  /** This decoder as its tokenizer.json object (`type` tag included). */
  toJSON(): JsonObject;
}
