/**
 * The typed error for every problem found in a safetensors file or shard index. Each problem has
 * its own stable `code`, so a caller (or the CLI) can tell a truncated download from a corrupt
 * header without reading the message; the message names the tensor whenever one is involved.
 */
import { FormatError } from '../errors';

/** The stable codes a {@link SafetensorsError} carries, one per kind of problem. */
export type SafetensorsErrorCode =
  /** The file ends before its 8-byte length prefix, its header, or the data its header declares. */
  | 'safetensors_truncated'
  /** The declared header length is above the 100 MB limit that Python safetensors also enforces. */
  | 'safetensors_header_too_large'
  /** The header is not UTF-8, not JSON, or not a JSON object. */
  | 'safetensors_invalid_json'
  /** The header exceeds a structural limit (entries, dimensions, nesting, number length): see `SAFETENSORS_HEADER_LIMITS`. */
  | 'safetensors_header_limit'
  /** Two tensors with the same name (Python's safetensors rejects these files too). */
  | 'safetensors_duplicate_name'
  /** A tensor entry is not an object with `dtype`, `shape` and `data_offsets`. */
  | 'safetensors_invalid_entry'
  /** `__metadata__` is not an object of string values. */
  | 'safetensors_invalid_metadata'
  /** Offsets that are not integers, end before they begin, leave a hole, or leave bytes unused. */
  | 'safetensors_bad_offsets'
  /** Two tensors claim the same bytes. */
  | 'safetensors_overlap'
  /** A dtype that is not in the safetensors spec, or one Graft cannot read (F8_E4M3, U16, C64…). */
  | 'safetensors_unknown_dtype'
  /** A shape entry that is not a non-negative integer, or an element count too large to address. */
  | 'safetensors_invalid_shape'
  /** The byte size of a tensor differs from prod(shape) × item size. */
  | 'safetensors_shape_mismatch'
  /** A value that does not fit the requested dtype (e.g. an I64 token id above 2^31 − 1). */
  | 'safetensors_value_out_of_range'
  /** A tensor handed to the writer whose data does not match its dtype or shape, or a repeated name. */
  | 'safetensors_invalid_tensor'
  /** A `model.safetensors.index.json` that does not follow the sharded-checkpoint layout. */
  | 'safetensors_invalid_index';

/** Messages are cut here: a hostile file must not make an error message repeat megabytes of it. */
const MAX_MESSAGE = 1000;

/** A malformed or unsupported safetensors file, tensor or shard index. */
export class SafetensorsError extends FormatError {
  /** The tensor the problem is about, when there is one (in full; the message may shorten it). */
  readonly tensor: string | undefined;

  constructor(code: SafetensorsErrorCode, message: string, tensor?: string) {
    super(code, message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}… (message cut)` : message);
    this.tensor = tensor;
  }
}

/**
 * `text` in single quotes for a message, cut to `max` characters with its full length noted, so a
 * 40 MB tensor name or dtype in a broken file gives a message of a line, not of 40 MB.
 */
export function quoted(text: string, max = 80): string {
  return text.length <= max ? `'${text}'` : `'${text.slice(0, max)}…' (${text.length} characters)`;
}
