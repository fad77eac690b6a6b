/**
 * Test support for @graft/tokenizers: reads the tokenizer files and the parity fixtures written by
 * HF `tokenizers` / `sentencepiece` (see assets/README.md). It uses only the package's public API.
 */
import { readFileSync } from 'node:fs';
import { toCodePointOffsets, type Encoding } from '@graft/tokenizers';
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
