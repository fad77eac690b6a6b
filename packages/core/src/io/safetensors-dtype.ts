/**
 * The safetensors element types Graft reads and writes, their sizes, and the order Python
 * safetensors lays them out in. The spec lists more (F8_*, U16, U32, U64, C64, F4, F6_*); those
 * are refused with a typed error because nothing in Graft can compute with them yet.
 */
import type { DType } from '../dtype';

/** A safetensors dtype tag that Graft can read and write. */
export type SafetensorsDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/** Every {@link SafetensorsDType}, from the widest to the narrowest (the order files are laid out in). */
export const SAFETENSORS_DTYPES: readonly SafetensorsDType[] = ['I64', 'F64', 'F32', 'I32', 'BF16', 'F16', 'I16', 'I8', 'U8', 'BOOL'];

const ITEM_SIZE: Record<SafetensorsDType, number> = {
  F64: 8,
  I64: 8,
  F32: 4,
  I32: 4,
  F16: 2,
  BF16: 2,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/**
 * Position of each dtype in the Rust `Dtype` enum of huggingface/safetensors (BOOL < U8 < I8 < I16 <
 * F16 < BF16 < I32 < F32 < F64 < I64, other tags omitted). The writer sorts by this, descending,
 * because that is how Python's `save_file` orders tensors and we want byte-identical files.
 */
const RUST_ENUM_RANK: Record<SafetensorsDType, number> = {
  BOOL: 0,
  U8: 1,
  I8: 2,
  I16: 3,
  F16: 4,
  BF16: 5,
  I32: 6,
  F32: 7,
  F64: 8,
  I64: 9,
};

/** Tags from the safetensors spec that Graft knowingly refuses (so the error can say "unsupported", not "unknown"). */
const KNOWN_UNSUPPORTED = new Set(['U16', 'U32', 'U64', 'C64', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F4', 'F6_E2M3', 'F6_E3M2']);

/** Whether `tag` is a safetensors dtype Graft can read. */
export function isSafetensorsDType(tag: unknown): tag is SafetensorsDType {
  return typeof tag === 'string' && Object.hasOwn(ITEM_SIZE, tag);
}

/** Whether `tag` is in the safetensors spec but not readable by Graft (F8_E4M3, U16, C64…). */
export function isKnownUnsupportedDType(tag: string): boolean {
  return KNOWN_UNSUPPORTED.has(tag);
}

/** Bytes per element of a safetensors dtype. */
export function safetensorsItemSize(dtype: SafetensorsDType): number {
  return ITEM_SIZE[dtype];
}

/** The rank Python safetensors sorts dtypes by (higher is written first). */
export function safetensorsDTypeRank(dtype: SafetensorsDType): number {
  return RUST_ENUM_RANK[dtype];
}

/** The Graft dtype a safetensors tensor loads as by default: F64 → float64, other floats → float32, integers → int32, BOOL → bool. */
export function defaultDTypeFor(dtype: SafetensorsDType): DType {
  switch (dtype) {
    case 'F64':
      return 'float64';
    case 'F32':
    case 'F16':
    case 'BF16':
      return 'float32';
    case 'I64':
    case 'I32':
    case 'I16':
    case 'I8':
    case 'U8':
      return 'int32';
    case 'BOOL':
      return 'bool';
  }
}

/** Whether a safetensors dtype holds floating-point values. */
export function isSafetensorsFloat(dtype: SafetensorsDType): boolean {
  return dtype === 'F64' || dtype === 'F32' || dtype === 'F16' || dtype === 'BF16';
}
