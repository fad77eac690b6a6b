/**
 * Token ids are unsigned 32-bit integers, as in HF `tokenizers` (Rust `u32`). Every id read from
 * a file or passed to a constructor is checked against that range where it enters, so an id of
 * 2^31 or more can never come out negative, wrapped or rounded further down the pipeline. Inside,
 * ids travel as JS numbers; the typed arrays of the hot loops hold dense indices (BPE symbols,
 * WordPiece trie keys, Unigram pieces), never ids.
 */
import { TokenizerError } from './errors';

/** The largest token id (HF's `u32::MAX`). */
export const MAX_TOKEN_ID = 2 ** 32 - 1;

/** True when `v` is a valid token id: an integer from 0 to `MAX_TOKEN_ID`. */
export function isTokenId(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_TOKEN_ID;
}

/** What a valid id is, for error messages. */
export const TOKEN_ID_RANGE = `an integer from 0 to ${MAX_TOKEN_ID} (token ids are u32, as in HF)`;

/** Returns `v` if it is a token id; else throws E_BAD_FIELD saying where and which token. */
export function checkTokenId(v: unknown, where: string, what: string): number {
  if (isTokenId(v)) return v;
  const got =
    typeof v === 'number' || typeof v === 'bigint'
      ? String(v)
      : typeof v === 'string'
        ? `the string ${JSON.stringify(v.slice(0, 40))}`
        : v === null
          ? 'null'
          : typeof v;
  throw new TokenizerError('E_BAD_FIELD', `${where}: ${what} must be ${TOKEN_ID_RANGE}, got ${got}`);
}
