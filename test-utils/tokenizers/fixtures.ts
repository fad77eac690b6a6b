/**
 * Test support for @graft/tokenizers: reads the tokenizer files and the parity fixtures written by
 * HF `tokenizers` / `sentencepiece` (see assets/README.md). It uses only the package's public API.
 */
import { readFileSync } from 'node:fs';
import { fromSentencePiece, fromVocabMerges, fromVocabTxt, SentencePieceProcessor, Tokenizer, toCodePointOffsets, type Encoding } from '@graft/tokenizers';
import { assetPath } from '../assets';

/** One fixture case; which fields are present depends on the fixture file. */
export interface FixtureCase {
  text: string;
  ids: number[];
  tokens?: string[];
  pieces?: string[];
  type_ids?: number[];
  offsets?: [number, number][];
  decoded?: string;
  spm_pieces_raw?: string[];
}

/** A parity fixture file. */
export interface Fixture {
  tokenizer: string;
  library: string;
  add_special_tokens?: boolean;
  cases: FixtureCase[];
  pair_example?: { a: string; b: string; ids: number[]; type_ids: number[]; tokens: string[] };
}

/** Loads `fixtures/tokenizers/<name>.json`. */
export function loadFixture(name: string): Fixture {
  return JSON.parse(readFileSync(assetPath('fixtures', 'tokenizers', `${name}.json`), 'utf8')) as Fixture;
}

/** Text of a file under `assets/tokenizers/`. */
export function tokenizerText(...parts: string[]): string {
  return readFileSync(assetPath('tokenizers', ...parts), 'utf8');
}

/** Bytes of a file under `assets/tokenizers/`. */
export function tokenizerBytes(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(assetPath('tokenizers', ...parts)));
}

/**
 * The fields of an Encoding in the fixture's form: offsets converted from our UTF-16 units to
 * the code point offsets the Python library reports, only the fields the case has.
 */
export function asFixture(c: FixtureCase, e: Encoding): Partial<FixtureCase> {
  const out: Partial<FixtureCase> = { ids: e.ids };
  if (c.tokens) out.tokens = e.tokens;
  if (c.type_ids) out.type_ids = e.typeIds;
  if (c.offsets) out.offsets = toCodePointOffsets(c.text, e.offsets);
  return out;
}

/** The fixture case restricted to the fields `asFixture` compares. */
export function expected(c: FixtureCase): Partial<FixtureCase> {
  const out: Partial<FixtureCase> = { ids: c.ids };
  if (c.tokens) out.tokens = c.tokens;
  if (c.type_ids) out.type_ids = c.type_ids;
  if (c.offsets) out.offsets = c.offsets;
  return out;
}

/** A fixture tokenizer.json with the truncation and padding it ships with turned off. */
function tokenizerJson(name: string): Tokenizer {
  return Tokenizer.fromJSON(tokenizerText(name, 'tokenizer.json')).setTruncation(null).setPadding(null);
}

/**
 * Every tokenizer the fixtures cover, in each file format we load it from: tokenizer.json,
 * vocab.txt (+ tokenizer_config.json), vocab.json + merges.txt, and SentencePiece models
 * converted to a pipeline.
 */
export const FIXTURE_TOKENIZERS: readonly (readonly [name: string, make: () => Tokenizer])[] = [
  ['bert-base-uncased tokenizer.json', () => tokenizerJson('bert-base-uncased')],
  [
    'bert-base-uncased vocab.txt',
    () => fromVocabTxt(tokenizerText('bert-base-uncased', 'vocab.txt'), tokenizerText('bert-base-uncased', 'tokenizer_config.json')),
  ],
  ['bert-base-chinese vocab.txt', () => fromVocabTxt(tokenizerText('bert-base-chinese', 'vocab.txt'), { lowercase: false, stripAccents: false })],
  ['gpt2 tokenizer.json', () => tokenizerJson('gpt2')],
  [
    'roberta-base vocab.json + merges.txt',
    () => fromVocabMerges(tokenizerText('roberta-base', 'vocab.json'), tokenizerText('roberta-base', 'merges.txt'), { postProcessor: 'roberta' }),
  ],
  ['t5 spiece.model', () => fromSentencePiece(tokenizerBytes('t5', 'spiece.model'))],
  ['albert-base-v2 tokenizer.json', () => tokenizerJson('albert-base-v2')],
  ['albert-base-v2 spiece.model', () => fromSentencePiece(tokenizerBytes('albert-base-v2', 'spiece.model'))],
];

/** The fixture SentencePiece models under SentencePiece's own (exact) encoder. */
export const FIXTURE_SENTENCEPIECE: readonly (readonly [name: string, make: () => SentencePieceProcessor])[] = [
  ['t5 spiece.model (SentencePieceProcessor)', () => SentencePieceProcessor.fromBytes(tokenizerBytes('t5', 'spiece.model'))],
  ['albert-base-v2 spiece.model (SentencePieceProcessor)', () => SentencePieceProcessor.fromBytes(tokenizerBytes('albert-base-v2', 'spiece.model'))],
];
