/**
 * A tokenizer's batch as the tensors a model takes: `inputIds`, the Hugging Face
 * `attentionMask` (int32, 1 = token, 0 = padding), `tokenTypeIds` when the batch has them, and
 * PyTorch's `keyPaddingMask` (bool, true = padding) that nn's attention layers take. nn may not
 * import @graft/tokenizers, so the input is structural: an array of encodings shaped like its
 * `Encoding` (`{ ids, attentionMask, typeIds }`), or the same fields as columns of rows.
 */
import { ArgumentError, type Tensor, tensor } from '@graft/core';
import { toKeyPaddingMask } from '../layers/attention-masks';

/** One tokenized sequence: what @graft/tokenizers' `Encoding` (and HF's) carries that a model needs. */
export interface EncodingLike {
  ids: ArrayLike<number>;
  /** 1 for real tokens, 0 for padding (all ones when absent). */
  attentionMask?: ArrayLike<number>;
  /** Segment ids (0 for the first sequence, 1 for the pair). */
  typeIds?: ArrayLike<number>;
}

/** The same fields as columns: one row per sequence (`{ ids: number[][]; attentionMask: number[][] }`). */
export interface EncodingColumns {
  ids: ArrayLike<ArrayLike<number>>;
  attentionMask?: ArrayLike<ArrayLike<number>>;
  typeIds?: ArrayLike<ArrayLike<number>>;
}

/**
 * How to pad sequences of different lengths. The field names are @graft/tokenizers'
 * `PaddingParams`, so `tokenizer.padding` can be passed as it is.
 */
export interface EncodingsToTensorsOptions {
  /** The pad token's id; required when the lengths differ (BERT: 0, RoBERTa: 1). */
  padId?: number;
  /** The segment id of padding (default 0). */
  padTypeId?: number;
  /** Which side padding goes on (default right). */
  direction?: 'right' | 'left' | 'Right' | 'Left';
  /** Device of the tensors (the default device when omitted). */
  device?: string;
}

/** The tensors of a batch, all `[N, L]` with L the longest sequence. */
export interface EncodedBatch {
  /** int32 token ids, padded with `padId`. */
  inputIds: Tensor;
  /** int32, Hugging Face's convention: 1 = real token, 0 = padding (what HF models take as `attention_mask`). */
  attentionMask: Tensor;
  /** int32 segment ids, when every encoding has them. */
  tokenTypeIds?: Tensor;
  /** bool, PyTorch's convention: true = padding, ignored (what MultiheadAttention and the Transformer layers take). */
  keyPaddingMask: Tensor;
}

const INT32_MAX = 2 ** 31 - 1;

/** The batch as rows, whatever form it came in. */
function rowsOf(batch: ArrayLike<EncodingLike> | EncodingColumns): EncodingLike[] {
  if (batch === null || typeof batch !== 'object')
    throw new ArgumentError(`encodingsToTensors: expected an array of encodings or { ids: number[][] }, got ${batch === null ? 'null' : typeof batch}`);
  if (!('length' in batch) || 'ids' in batch) {
    const cols = batch as EncodingColumns;
    if (!cols.ids || typeof cols.ids.length !== 'number') throw new ArgumentError('encodingsToTensors: expected an array of encodings or { ids: number[][] }');
    if (cols.ids.length > 0 && typeof cols.ids[0] === 'number')
      throw new ArgumentError('encodingsToTensors: got one encoding (ids is a flat array); pass an array of encodings, e.g. [encoding]');
    for (const field of ['attentionMask', 'typeIds'] as const) {
      const col = cols[field];
      if (col && col.length !== cols.ids.length) throw new ArgumentError(`encodingsToTensors: ${field} has ${col.length} rows, ids has ${cols.ids.length}`);
    }
    return Array.from({ length: cols.ids.length }, (_, i) => ({ ids: cols.ids[i], attentionMask: cols.attentionMask?.[i], typeIds: cols.typeIds?.[i] }));
  }
  return Array.from(batch as ArrayLike<EncodingLike>);
}

/** Throws unless every value of `values` passes `ok`, naming the first that does not. */
function checkValues(values: ArrayLike<number> | undefined, length: number, where: string, ok: (v: number) => boolean, rule: string): void {
  if (values === undefined) return;
  if (!values || typeof values.length !== 'number') throw new ArgumentError(`encodingsToTensors: ${where} is not an array`);
  if (values.length !== length) throw new ArgumentError(`encodingsToTensors: ${where} has ${values.length} values for ${length} ids`);
  for (let j = 0; j < values.length; j++) {
    if (!ok(values[j])) throw new ArgumentError(`encodingsToTensors: ${where}[${j}] is ${values[j]}; ${rule}`);
  }
}

const isId = (v: number) => Number.isInteger(v) && v >= 0 && v <= INT32_MAX;

/**
 * Turns a tokenizer's batch into `inputIds`, `attentionMask`, `tokenTypeIds` (when present) and
 * `keyPaddingMask`, padding to the longest sequence when the lengths differ. The tensors join the
 * current scope like any op result.
 *
 * ```ts
 * const enc = tokenizer.encodeBatch(texts);
 * const { inputIds, keyPaddingMask } = encodingsToTensors(enc, { padId: tokenizer.tokenToId('[PAD]') });
 * encoder.call(embed.call(inputIds), { srcKeyPaddingMask: keyPaddingMask });
 * ```
 */
export function encodingsToTensors(batch: ArrayLike<EncodingLike> | EncodingColumns, opts: EncodingsToTensorsOptions = {}): EncodedBatch {
  const rows = rowsOf(batch);
  if (rows.length === 0) throw new ArgumentError('encodingsToTensors: the batch is empty');
  rows.forEach((r, i) => {
    if (!r?.ids || typeof r.ids.length !== 'number') throw new ArgumentError(`encodingsToTensors: encoding ${i} has no ids array`);
    checkValues(r.ids, r.ids.length, `ids of encoding ${i}`, isId, 'token ids are integers in [0, 2³¹)');
    checkValues(r.attentionMask, r.ids.length, `attentionMask of encoding ${i}`, (v) => v === 0 || v === 1, 'an attention mask holds 1 (token) or 0 (padding)');
    checkValues(r.typeIds, r.ids.length, `typeIds of encoding ${i}`, isId, 'type ids are integers in [0, 2³¹)');
  });
  const withTypes = rows.filter((r) => r.typeIds !== undefined).length;
  if (withTypes !== 0 && withTypes !== rows.length)
    throw new ArgumentError(`encodingsToTensors: ${withTypes} of ${rows.length} encodings have typeIds; give them to all or none`);
  const n = rows.length;
  const lengths = rows.map((r) => r.ids.length);
  const len = lengths.reduce((a, b) => Math.max(a, b));
  if (len === 0) throw new ArgumentError('encodingsToTensors: every encoding is empty');
  const ragged = lengths.some((l) => l !== len);
  const { padId, padTypeId = 0 } = opts;
  if (ragged && padId === undefined) {
    throw new ArgumentError(
      `encodingsToTensors: the encodings have different lengths (${lengths.reduce((a, b) => Math.min(a, b))} to ${len}) and no padId was given: ` +
        "pass { padId } (the tokenizer's pad token id, e.g. tokenizer.tokenToId('[PAD]'), or tokenizer.padding), or enable padding in the tokenizer",
    );
  }
  for (const [name, v] of [
    ['padId', padId],
    ['padTypeId', padTypeId],
  ] as const) {
    if (v !== undefined && !isId(v)) throw new ArgumentError(`encodingsToTensors: ${name} must be an integer in [0, 2³¹), got ${v}`);
  }
  const direction = (opts.direction ?? 'right').toLowerCase();
  if (direction !== 'right' && direction !== 'left')
    throw new ArgumentError(`encodingsToTensors: direction must be 'right' or 'left', got ${JSON.stringify(opts.direction)}`);
  const ids = new Int32Array(n * len).fill(padId ?? 0);
  const mask = new Int32Array(n * len);
  const types = withTypes ? new Int32Array(n * len).fill(padTypeId) : null;
  rows.forEach((r, i) => {
    const at = i * len + (direction === 'left' ? len - r.ids.length : 0);
    ids.set(r.ids, at);
    if (r.attentionMask) mask.set(r.attentionMask, at);
    else mask.fill(1, at, at + r.ids.length);
    if (types) types.set(r.typeIds!, at);
  });
  const make = (data: Int32Array) => tensor(data, { shape: [n, len], dtype: 'int32', device: opts.device });
  const attentionMask = make(mask);
  const out: EncodedBatch = { inputIds: make(ids), attentionMask, keyPaddingMask: toKeyPaddingMask(attentionMask) };
  if (types) out.tokenTypeIds = make(types);
  return out;
}
