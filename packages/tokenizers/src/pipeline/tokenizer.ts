/**
 * The Tokenizer: normalizer → pre-tokenizer → model → post-processor, with added tokens cut out
 * first, truncation before and padding after post-processing, and a decoder for the way back.
 * tokenizer.json is the contract: `fromJSON` reads what HF writes and `toJSON` writes what HF
 * reads. Offsets are UTF-16 code unit indices into the input string.
 */
import { cleanUpTokenization } from '../cleanup';
import type { Decoder, Model, Normalizer, PostProcessor, PreTokenizer, RangeModel } from '../components';
import { decoderFromJSON } from '../decoders/index';
import { Encoding } from '../encoding';
import { TokenizerError } from '../errors';
import { JsonReader } from '../json-reader';
import { parseJson } from '../json-text';
import { modelFromJSON } from '../models/index';
import { normalizerFromJSON } from '../normalizers/index';
import { postProcessorFromJSON } from '../processors/index';
import { preTokenizerFromJSON } from '../pre-tokenizers/index';
import { AddedVocabulary, readAddedToken, type AddedToken } from './added-vocabulary';
import { encodeRanges, supportsRanges } from './range-encoding';
import { padEncodings, paddingFromJSON, paddingToJSON, resolvePadding, type PaddingParams, type ResolvedPadding } from './padding';
import { resolveTruncation, truncateEncodings, truncationFromJSON, truncationToJSON, type ResolvedTruncation, type TruncationParams } from './truncation';

/** Options of `encode` / `encodeBatch`. */
export interface EncodeOptions {
  /** Add the post-processor's special tokens (default true). */
  addSpecialTokens?: boolean;
}

/** Options of `decode`. */
export interface DecodeOptions {
  /** Leave out special added tokens (default true, as in HF `tokenizers`). */
  skipSpecialTokens?: boolean;
  /** Apply transformers' `clean_up_tokenization` to the result (default false). */
  cleanUpTokenizationSpaces?: boolean;
}

/** One input of `encodeBatch`: a text or a pair of texts. */
export type BatchInput = string | [string, string];

/** A tokenization pipeline equivalent to HF `tokenizers.Tokenizer`. */
export class Tokenizer {
  model: Model;
  private normalizerStage: Normalizer | null = null;
  preTokenizer: PreTokenizer | null = null;
  postProcessor: PostProcessor | null = null;
  decoder: Decoder | null = null;
  /** Active truncation, or null. */
  truncation: ResolvedTruncation | null = null;
  /** Active padding, or null. */
  padding: ResolvedPadding | null = null;
  readonly addedVocabulary = new AddedVocabulary();

  constructor(model: Model) {
    this.model = model;
  }

  /** The normalizer; setting it re-normalizes the added tokens' patterns. */
  get normalizer(): Normalizer | null {
    return this.normalizerStage;
  }

  /** Replaces the normalizer (null for none) and re-normalizes the added tokens' patterns with it. */
  set normalizer(n: Normalizer | null) {
    this.normalizerStage = n;
    this.addedVocabulary.refresh(n);
  }

  /** Loads a tokenizer.json object or its text. */
  static fromJSON(json: unknown): Tokenizer {
    const obj = typeof json === 'string' ? parseJson(json, 'tokenizer.json') : json;
    const r = new JsonReader(obj, 'tokenizer.json');
    const tokenizer = new Tokenizer(modelFromJSON(r.object('model')));
    tokenizer.normalizerStage = r.has('normalizer') ? normalizerFromJSON(r.json.normalizer) : null;
    tokenizer.preTokenizer = r.has('pre_tokenizer') ? preTokenizerFromJSON(r.json.pre_tokenizer) : null;
    tokenizer.postProcessor = r.has('post_processor') ? postProcessorFromJSON(r.json.post_processor) : null;
    tokenizer.decoder = r.has('decoder') ? decoderFromJSON(r.json.decoder) : null;
    tokenizer.truncation = r.has('truncation') ? truncationFromJSON(r.json.truncation) : null;
    tokenizer.padding = r.has('padding') ? paddingFromJSON(r.json.padding) : null;
    const added = r.array('added_tokens', []).map((t, i) => readAddedToken(t, `tokenizer.json added_tokens[${i}]`));
    tokenizer.addedVocabulary.addWithIds(added, tokenizer.normalizerStage);
    return tokenizer;
  }

  /** The tokenizer.json object (HF schema and field names). */
  toJSON(): Record<string, unknown> {
    return {
      version: '1.0',
      truncation: this.truncation ? truncationToJSON(this.truncation) : null,
      padding: this.padding ? paddingToJSON(this.padding) : null,
      added_tokens: this.addedVocabulary.toJSON(),
      normalizer: this.normalizerStage?.toJSON() ?? null,
      pre_tokenizer: this.preTokenizer?.toJSON() ?? null,
      post_processor: this.postProcessor?.toJSON() ?? null,
      decoder: this.decoder?.toJSON() ?? null,
      model: this.model.toJSON(),
    };
  }

  /** tokenizer.json text; pretty-printed by default, like HF's `save(pretty=True)`. */
  toString(pretty = true): string {
    return JSON.stringify(this.toJSON(), null, pretty ? 2 : undefined);
  }

  /** Enables truncation (`null` disables it, like HF `no_truncation()`). */
  setTruncation(p: TruncationParams | null): this {
    this.truncation = p ? resolveTruncation(p) : null;
    return this;
  }

  /** Enables padding (`null` disables it, like HF `no_padding()`). */
  setPadding(p: PaddingParams | null): this {
    this.padding = p ? resolvePadding(p) : null;
    return this;
  }

  /** Adds (non-special) tokens; returns how many were new. */
  addTokens(tokens: (string | AddedToken)[]): number {
    return this.addedVocabulary.add(tokens, false, this.model, this.normalizerStage);
  }

  /** Adds special tokens; returns how many were new. */
  addSpecialTokens(tokens: (string | AddedToken)[]): number {
    return this.addedVocabulary.add(tokens, true, this.model, this.normalizerStage);
  }

  /** Id of a token (added tokens first, then the model). */
  tokenToId(token: string): number | undefined {
    return this.addedVocabulary.tokenToId(token) ?? this.model.tokenToId(token);
  }

  /** Token of an id (added tokens first, then the model). */
  idToToken(id: number): string | undefined {
    return this.addedVocabulary.idToToken(id)?.content ?? this.model.idToToken(id);
  }

  /** The vocabulary, with added tokens unless `withAddedTokens` is false. */
  getVocab(withAddedTokens = true): Map<string, number> {
    const vocab = this.model.getVocab();
    if (withAddedTokens) for (const t of this.addedVocabulary.tokens) vocab.set(t.content, t.id);
    return vocab;
  }

  /** Vocabulary size, with added tokens unless `withAddedTokens` is false. */
  getVocabSize(withAddedTokens = true): number {
    return withAddedTokens ? this.getVocab(true).size : this.model.vocabSize;
  }

  /** Encodes one sequence without post-processing. */
  private encodeSequence(text: string, typeId: number): Encoding {
    const pre = this.addedVocabulary.extractAndNormalize(this.normalizerStage, text);
    if (supportsRanges(this.preTokenizer, this.model)) return encodeRanges(pre, this.preTokenizer, this.model as RangeModel, typeId);
    this.preTokenizer?.preTokenize(pre);
    pre.tokenize((s) => this.model.tokenize(s));
    return pre.intoEncoding(null, typeId);
  }

  /** Encodes a text, or a pair of texts, into an Encoding. */
  encode(text: string, pair?: string | null, options: EncodeOptions = {}): Encoding {
    if (typeof text !== 'string') throw new TokenizerError('E_BAD_FIELD', 'encode: the input must be a string');
    const a = this.encodeSequence(text, 0);
    const b = pair === undefined || pair === null ? null : this.encodeSequence(pair, 1);
    return this.postProcess(a, b, options.addSpecialTokens ?? true);
  }

  /** Truncation, post-processing and single-encoding padding (HF `post_process`). */
  postProcess(a: Encoding, b: Encoding | null, addSpecialTokens: boolean): Encoding {
    if (this.truncation) {
      const added = addSpecialTokens && this.postProcessor ? this.postProcessor.addedTokens(b !== null) : 0;
      const params = added > 0 ? { ...this.truncation, maxLength: this.truncation.maxLength - added } : this.truncation;
      if (params.maxLength < 0)
        throw new TokenizerError('E_TRUNCATION', `truncation: max length ${this.truncation.maxLength} is shorter than the ${added} special tokens`);
      truncateEncodings(a, b, params);
    }
    let out: Encoding;
    if (this.postProcessor) out = this.postProcessor.process(a, b, addSpecialTokens);
    else {
      a.setSequenceId(0);
      if (b) {
        b.setSequenceId(1);
        out = Encoding.merge([a, b], false);
      } else out = a;
    }
    if (this.padding) padEncodings([out], this.padding);
    return out;
  }

  /** Encodes many inputs; padding to the batch's longest applies across them. */
  encodeBatch(inputs: BatchInput[], options: EncodeOptions = {}): Encoding[] {
    const out = inputs.map((x) => (typeof x === 'string' ? this.encode(x, null, options) : this.encode(x[0], x[1], options)));
    if (this.padding) padEncodings(out, this.padding);
    return out;
  }

  /** Decodes ids to text. */
  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    const skip = options.skipSpecialTokens ?? true;
    const tokens: string[] = [];
    for (const id of ids) {
      const added = this.addedVocabulary.idToToken(id);
      const token = added?.content ?? this.model.idToToken(id);
      if (token === undefined) continue;
      if (skip && added?.special) continue;
      tokens.push(token);
    }
    const text = this.decoder ? this.decoder.decodeChain(tokens).join('') : tokens.join(' ');
    return options.cleanUpTokenizationSpaces ? cleanUpTokenization(text) : text;
  }

  /** Decodes many id lists. */
  decodeBatch(batch: readonly (readonly number[])[], options: DecodeOptions = {}): string[] {
    return batch.map((ids) => this.decode(ids, options));
  }
}
