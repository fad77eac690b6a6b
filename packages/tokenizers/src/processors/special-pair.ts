/** Reads the `[token, id]` pairs BertProcessing and RobertaProcessing store for CLS and SEP. */
import { TokenizerError } from '../errors';
import type { JsonReader } from '../json-reader';
import { checkTokenId } from '../token-id';
import type { SpecialPair } from './base';

/** Reads `reader[field]` as `[token, id]` with a u32 id. */
export function readSpecialPair(r: JsonReader, field: string): SpecialPair {
  const v = r.array(field);
  if (v.length !== 2 || typeof v[0] !== 'string' || typeof v[1] !== 'number') {
    throw new TokenizerError('E_BAD_FIELD', `${r.where}: field "${field}" must be [token, id]`);
  }
  return [v[0], checkTokenId(v[1], `${r.where} field "${field}"`, `the id of ${JSON.stringify(v[0].slice(0, 40))}`)];
}
