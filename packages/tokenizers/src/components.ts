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
  normalize(s: NormalizedString): void;
  toJSON(): JsonObject;
}

/** Cuts text into word-like splits before the model sees it (e.g. on whitespace). */
export interface PreTokenizer {
  preTokenize(s: PreTokenizedString): void;
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
  push(id: number, value: string, start: number, end: number): void;
}

/** A model that can tokenize `text[start..end)` in place, with the same tokens as `tokenize`. */
export interface RangeModel extends Model {
  tokenizeRange(text: string, start: number, end: number, sink: TokenSink): void;
}

/** Turns one split into tokens; owns the vocabulary. */
export interface Model {
  tokenize(text: string): Token[];
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
  getVocab(): Map<string, number>;
  readonly vocabSize: number;
  toJSON(): JsonObject;
}

/** Adds special tokens and type ids around one sequence or a pair. */
export interface PostProcessor {
  /** How many tokens `process` adds for a single sequence or a pair. */
  addedTokens(isPair: boolean): number;
  process(encoding: Encoding, pair: Encoding | null, addSpecialTokens: boolean): Encoding;
  toJSON(): JsonObject;
}

/** Turns tokens back into text pieces; `decode` joins what the chain returns. */
export interface Decoder {
  decodeChain(tokens: string[]): string[];
  toJSON(): JsonObject;
}
