/**
 * Collation: rows of a tokenized dataset become one batch of tensors, padded to the longest row
 * of the batch (dynamic padding, as transformers' DataCollatorWithPadding). The batch has the
 * `TextBatch` shape every Graft model takes.
 */
import { ArgumentError, type Tensor, tensor } from '@graft/core';
import { CollateError } from './errors';
import { checkOptions } from './options';

/** A collated text batch (what the DataLoader yields and models take). */
export interface TextBatch {
  /** int32 [B, L], padded with the tokenizer's pad id. */
  inputIds: Tensor;
  /** int32 [B, L]: 1 = real token, 0 = padding (HF's convention). */
  attentionMask: Tensor;
  /** int32 [B, L]. */
  tokenTypeIds?: Tensor;
  /** int32 [B] for classification, [B, L] for token tasks (padded with -100, ignored by the loss). */
  labels?: Tensor;
}

/** The canonical tokenized text-classification row. */
export interface TokenizedRow {
  inputIds: number[];
  attentionMask: number[];
  tokenTypeIds?: number[];
  label?: number;
}

/** Options of {@link padCollate}. */
export interface PadCollateOptions {
  /** The pad token id for `inputIds` (the tokenizer's); needed as soon as a batch has rows of different lengths. */
  padTokenId?: number;
  /** Round the padded length up to a multiple of this (8 suits tensor cores; fewer distinct shapes for WebGPU pipelines). */
  padToMultipleOf?: number;
  /** The value padding `labels` sequences (default -100, which losses ignore). */
  labelPadId?: number;
  /** Fail when a row is longer than this (truncation is the tokenizer's job; this only checks). */
  maxLength?: number;
  /** The device of the tensors (default: the default backend). */
  device?: string;
}

/** Turns the rows of one batch into a batch. */
export type Collate<Row, Batch> = (rows: Row[]) => Batch;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * A collate function that pads every number-array field to the batch's longest row (`inputIds`
 * with `padTokenId`, `labels` with `labelPadId`, the rest — `attentionMask`, `tokenTypeIds` —
 * with 0) into `[B, L]` tensors, makes `[B]` tensors of number fields (int32 when all are
 * integers, else float32), renames `label` to `labels`, and adds an `attentionMask` of ones and
 * zeros when rows with `inputIds` have none. String fields (the raw text) are left out.
 */
export function padCollate(opts: PadCollateOptions = {}): Collate<object, TextBatch & Record<string, Tensor>> {
  const where = 'padCollate';
  checkOptions(opts, ['padTokenId', 'padToMultipleOf', 'labelPadId', 'maxLength', 'device'], where);
  const int = (v: unknown, name: string, min: number) => {
    if (v !== undefined && (!Number.isInteger(v) || (v as number) < min || (v as number) > INT32_MAX))
      throw new ArgumentError(`${where}: ${name} must be an integer${min > INT32_MIN ? ` ≥ ${min}` : ''}, got ${String(v)}`);
  };
  int(opts.padTokenId, 'padTokenId', 0);
  int(opts.padToMultipleOf, 'padToMultipleOf', 1);
  int(opts.labelPadId, 'labelPadId', INT32_MIN);
  int(opts.maxLength, 'maxLength', 1);
  const labelPadId = opts.labelPadId ?? -100;
  return (rows) => {
    if (!Array.isArray(rows) || rows.length === 0) throw new CollateError(`${where}: a batch needs at least one row`);
    const fields = classify(rows);
    const batch: Record<string, Tensor> = {};
    for (const [name, kind] of fields) {
      const out = name === 'label' ? 'labels' : name;
      if (out in batch) throw new CollateError(`${where}: the rows have both "label" and "labels"; remove one`);
      batch[out] = kind === 'scalar' ? scalars(rows, name, opts.device) : padded(rows, name, padValue(name, opts.padTokenId, labelPadId), opts);
    }
    if (fields.get('inputIds') === 'sequence' && !fields.has('attentionMask')) batch.attentionMask = maskOf(rows, opts);
    return batch as TextBatch & Record<string, Tensor>;
  };
}

type Kind = 'scalar' | 'sequence';

/** Each field's kind, checked to agree across rows; strings, null and undefined fields are left out. */
function classify(rows: object[]): Map<string, Kind> {
  const kinds = new Map<string, Kind>();
  const firstRow = new Map<string, number>();
  rows.forEach((row, r) => {
    if (row === null || typeof row !== 'object') throw new CollateError(`padCollate: row ${r} is not an object`);
    for (const [name, v] of Object.entries(row)) {
      const kind: Kind | null = typeof v === 'number' ? 'scalar' : isNumberArray(v) ? 'sequence' : skippable(v) ? null : unsupported(name, v, r);
      if (kind === null) continue;
      const seen = kinds.get(name);
      if (seen && seen !== kind)
        throw new CollateError(`padCollate: "${name}" is a ${seen === 'scalar' ? 'number' : 'number array'} in row ${firstRow.get(name)} but not in row ${r}`);
      if (!seen) kinds.set(name, kind), firstRow.set(name, r);
    }
  });
  for (const name of kinds.keys()) {
    const missing = rows.findIndex((row) => (row as Record<string, unknown>)[name] === undefined || (row as Record<string, unknown>)[name] === null);
    if (missing >= 0)
      throw new CollateError(`padCollate: row ${missing} has no "${name}", but row ${firstRow.get(name)} has one; every row of a batch needs the same fields`);
  }
  return kinds;
}

function isNumberArray(v: unknown): v is ArrayLike<number> {
  if (ArrayBuffer.isView(v)) return !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array);
  return Array.isArray(v) && (v.length === 0 || typeof v[0] === 'number');
}

function skippable(v: unknown): boolean {
  return v === null || v === undefined || typeof v === 'string';
}

function unsupported(name: string, v: unknown, r: number): never {
  const what = Array.isArray(v) ? 'an array of non-numbers' : typeof v;
  throw new CollateError(
    `padCollate: row ${r}'s "${name}" is ${what}; a batch holds numbers and arrays of numbers (remove the column, or write your own collate)`,
  );
}

function padValue(name: string, padTokenId: number | undefined, labelPadId: number): number | undefined {
  if (name === 'inputIds') return padTokenId;
  if (name === 'labels' || name === 'label') return labelPadId;
  return 0;
}

function allIntegers(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) return false;
  }
  return true;
}

function scalars(rows: object[], name: string, device: string | undefined): Tensor {
  const values = rows.map((row) => (row as Record<string, number>)[name]);
  const dtype = allIntegers(values) ? 'int32' : 'float32';
  const data = dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
  return tensor(data, { shape: [rows.length], dtype, device });
}

/** The padded length: the longest row, rounded up to `padToMultipleOf`; checked against `maxLength`. */
function paddedLength(rows: object[], name: string, opts: PadCollateOptions): number {
  let longest = 0;
  rows.forEach((row, r) => {
    const n = ((row as Record<string, ArrayLike<number>>)[name] as ArrayLike<number>).length;
    if (opts.maxLength !== undefined && n > opts.maxLength)
      throw new CollateError(
        `padCollate: row ${r}'s "${name}" has ${n} elements, more than maxLength ${opts.maxLength}; truncate when tokenizing (truncation with maxLength ${opts.maxLength})`,
      );
    longest = Math.max(longest, n);
  });
  const m = opts.padToMultipleOf ?? 1;
  return Math.ceil(longest / m) * m;
}

function padded(rows: object[], name: string, pad: number | undefined, opts: PadCollateOptions): Tensor {
  const length = paddedLength(rows, name, opts);
  const seqs = rows.map((row) => (row as Record<string, ArrayLike<number>>)[name]);
  const int = seqs.every(allIntegers);
  if (name === 'inputIds' && !int) throw new CollateError('padCollate: inputIds must be integer token ids');
  const data = int ? new Int32Array(rows.length * length) : new Float32Array(rows.length * length);
  seqs.forEach((seq, r) => {
    if (seq.length < length && pad === undefined)
      throw new CollateError(
        `padCollate: the rows' inputIds have different lengths (row ${r} has ${seq.length}, the batch pads to ${length}), so padTokenId is needed: padCollate({ padTokenId: tokenizer's pad id })`,
      );
    const base = r * length;
    for (let i = 0; i < seq.length; i++) data[base + i] = seq[i];
    if (pad !== 0) data.fill(pad ?? 0, base + seq.length, base + length);
  });
  return tensor(data, { shape: [rows.length, length], dtype: int ? 'int32' : 'float32', device: opts.device });
}

function maskOf(rows: object[], opts: PadCollateOptions): Tensor {
  const length = paddedLength(rows, 'inputIds', opts);
  const data = new Int32Array(rows.length * length);
  rows.forEach((row, r) => data.fill(1, r * length, r * length + (row as TokenizedRow).inputIds.length));
  return tensor(data, { shape: [rows.length, length], dtype: 'int32', device: opts.device });
}
