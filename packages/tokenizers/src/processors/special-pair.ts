/** Reads the `[token, id]` pairs BertProcessing and RobertaProcessing store for CLS and SEP. */
import { TokenizerError } from '../errors';
import type { JsonReader } from '../json-reader';
import type { SpecialPair } from './base';

/** Reads `reader[field]` as `[string, non-negative integer]`. */
export function readSpecialPair(r: JsonReader, field: string): SpecialPair {
  const v = r.array(field);
  if (v.length !== 2 || typeof v[0] !== 'string' || typeof v[1] !== 'number' || !Number.isInteger(v[1]) || v[1] < 0) {
    throw new TokenizerError('E_BAD_FIELD', `${r.where}: field "${field}" must be [token, id]`);
  }
  return [v[0], v[1]];
}
