/**
 * Tensors in and out of safetensors bytes. The byte-level format lives in `io/`; this file maps
 * stored dtypes to tensor dtypes (I64 ids to int32 with a range check, F16/BF16 widened) and back.
 */
import { type DType, isFloat } from './dtype';
import { DTypeError } from './errors';
import { decodeTensor } from './io/safetensors-decode';
import { defaultDTypeFor, type SafetensorsDType } from './io/safetensors-dtype';
import { parseSafetensors } from './io/safetensors-read';
import { serializeSafetensors, type TensorToWrite } from './io/safetensors-write';
import { fromArray } from './ops/creation';
import type { Tensor } from './tensor';

/** Options of `loadSafetensors`: the dtype and device of the loaded tensors, and which to load. */
export interface LoadSafetensorsOptions {
  /** The dtype of each loaded tensor: one for all floats, or a function of name and stored dtype. */
  dtype?: DType | ((name: string, stored: SafetensorsDType) => DType);
  /** Device of the loaded tensors (the default backend when omitted). */
  device?: string;
  /** Load only these names. */
  only?: (name: string) => boolean;
}

/** What `loadSafetensors` returns: the tensors by name, and the header's `__metadata__`. */
export interface LoadedSafetensors {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

/**
 * Parses safetensors bytes into tensors. Floats load as float32 (float64 stays float64) unless
 * `dtype` says otherwise; integers as int32; BOOL as bool.
 */
export function loadSafetensors(bytes: Uint8Array, opts: LoadSafetensorsOptions = {}): LoadedSafetensors {
  const file = parseSafetensors(bytes);
  const tensors = new Map<string, Tensor>();
  try {
    for (const [name, raw] of file.tensors) {
      if (opts.only && !opts.only(name)) continue;
      const stored = defaultDTypeFor(raw.dtype);
      const dtype = typeof opts.dtype === 'function' ? opts.dtype(name, raw.dtype) : opts.dtype && isFloat(stored) ? opts.dtype : stored;
      tensors.set(name, fromArray(decodeTensor(raw, dtype, { name }), raw.shape, { dtype, device: opts.device }));
    }
  } catch (e) {
    for (const t of tensors.values()) t.dispose();
    throw e;
  }
  return { tensors, metadata: file.metadata };
}

/** Options of `saveSafetensors`: the `__metadata__` to write and the stored float dtype. */
export interface SaveSafetensorsOptions {
  metadata?: Record<string, string>;
  /** Stored dtype of floating-point tensors (default: F32 for float32, F64 for float64). */
  floatDType?: 'F32' | 'F16' | 'BF16' | 'F64';
}

const STORED: Record<DType, SafetensorsDType> = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL', float16: 'F16' };

/** Serialises tensors (read from any device) into safetensors bytes that Python reads. */
export async function saveSafetensors(tensors: Map<string, Tensor> | Record<string, Tensor>, opts: SaveSafetensorsOptions = {}): Promise<Uint8Array> {
  const entries = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  const list: TensorToWrite[] = [];
  for (const [name, t] of entries) {
    const data = await t.data();
    const dtype = isFloat(t.dtype) && t.dtype !== 'float16' && opts.floatDType ? opts.floatDType : STORED[t.dtype];
    if (!dtype) throw new DTypeError(`cannot store tensor '${name}' of dtype ${t.dtype}`);
    list.push({ name, dtype, shape: t.shape, data: data as Float32Array });
  }
  return serializeSafetensors(list, opts.metadata);
}
