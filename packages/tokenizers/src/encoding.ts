/**
 * The result of encoding one input (or pair): parallel arrays, one entry per token, plus the
 * pieces that truncation cut off (`overflowing`). Offsets are `[start, end)` in UTF-16 code units
 * of the input string; special tokens have `[0, 0]` and a null word id.
 */

import { TokenizerError } from './errors';

/**
 * The longest sequence padding may produce (2^22 tokens, about 400 MB of Encoding arrays). No
 * model takes more, and a longer target is almost always a typo or a hostile file.
 */
export const MAX_PADDED_LENGTH = 2 ** 22;

/** Throws E_LIMIT (or E_ARGUMENT) unless `length` is a padding target this package will build. */
export function checkPaddedLength(length: number, where: string): void {
  if (!Number.isInteger(length) || length < 0)
    throw new TokenizerError('E_ARGUMENT', `${where}: the padded length must be a non-negative integer, got ${length}`);
  if (length > MAX_PADDED_LENGTH) {
    throw new TokenizerError(
      'E_LIMIT',
      `${where}: padding to ${length} tokens exceeds the limit of ${MAX_PADDED_LENGTH}; pad to the batch's longest ('BatchLongest') or to the model's maximum length (usually 512 to 8192)`,
    );
  }
}

/** Appends `from` to `to` in place, one element at a time (safe for any length). */
function appendAll<T>(to: T[], from: readonly T[]): void {
  for (let i = 0; i < from.length; i++) to.push(from[i]);
}

/** `k` copies of `value` followed by `rest`. */
function prependFill<T>(rest: readonly T[], k: number, value: T): T[] {
  const out = new Array<T>(k + rest.length);
  out.fill(value, 0, k);
  for (let i = 0; i < rest.length; i++) out[k + i] = rest[i];
  return out;
}

/** The fields of an Encoding, all arrays of the same length. */
export interface EncodingFields {
  ids: number[];
  tokens: string[];
  typeIds: number[];
  offsets: [number, number][];
  wordIds: (number | null)[];
  specialTokensMask: number[];
  attentionMask: number[];
  overflowing?: Encoding[];
  sequenceRanges?: Map<number, [number, number]>;
}

/** Which end of a sequence truncation or padding acts on. */
export type Direction = 'Right' | 'Left';

/** One encoded input, with HF's field semantics. */
export class Encoding {
  /** Token ids. */
  ids: number[];
  /** Token strings. */
  tokens: string[];
  /** Segment (token type) ids: 0 for the first sequence, 1 for the pair, per the post-processor. */
  typeIds: number[];
  /** `[start, end)` in UTF-16 code units of the input each token came from. */
  offsets: [number, number][];
  /** Index of the word (pre-tokenizer split) each token belongs to; null for special tokens and padding. */
  wordIds: (number | null)[];
  /** 1 for special tokens added by the post-processor or padding, 0 otherwise. */
  specialTokensMask: number[];
  /** 1 for real tokens, 0 for padding. */
  attentionMask: number[];
  /** Windows cut off by truncation, each a full Encoding. */
  overflowing: Encoding[];
  /** For each sequence id (0 = first, 1 = pair), the `[start, end)` token range it occupies. */
  sequenceRanges: Map<number, [number, number]>;

  constructor(f: EncodingFields) {
    this.ids = f.ids;
    this.tokens = f.tokens;
    this.typeIds = f.typeIds;
    this.offsets = f.offsets;
    this.wordIds = f.wordIds;
    this.specialTokensMask = f.specialTokensMask;
    this.attentionMask = f.attentionMask;
    this.overflowing = f.overflowing ?? [];
    this.sequenceRanges = f.sequenceRanges ?? new Map();
  }

  /** An encoding with no tokens. */
  static empty(): Encoding {
    return new Encoding({ ids: [], tokens: [], typeIds: [], offsets: [], wordIds: [], specialTokensMask: [], attentionMask: [] });
  }

  /** Number of tokens. */
  get length(): number {
    return this.ids.length;
  }

  /** A deep copy (overflowing included). */
  clone(): Encoding {
    return new Encoding({
      ids: this.ids.slice(),
      tokens: this.tokens.slice(),
      typeIds: this.typeIds.slice(),
      offsets: this.offsets.map((o) => [o[0], o[1]]),
      wordIds: this.wordIds.slice(),
      specialTokensMask: this.specialTokensMask.slice(),
      attentionMask: this.attentionMask.slice(),
      overflowing: this.overflowing.map((o) => o.clone()),
      sequenceRanges: new Map([...this.sequenceRanges].map(([k, v]) => [k, [v[0], v[1]]])),
    });
  }

  /** The sequence id (0 or 1) of each token; null for tokens outside every sequence. */
  sequenceIds(): (number | null)[] {
    const out: (number | null)[] = new Array(this.ids.length).fill(null);
    for (const [seq, [a, b]] of this.sequenceRanges) for (let i = a; i < b; i++) out[i] = seq;
    return out;
  }

  /** Marks the whole encoding as sequence `id`. */
  setSequenceId(id: number): void {
    this.sequenceRanges = new Map([[id, [0, this.ids.length]]]);
  }

  /** Sets every type id (used by post-processors). */
  setTypeIds(typeId: number): void {
    this.typeIds = new Array<number>(this.ids.length).fill(typeId);
  }

  /** A new Encoding of tokens `[start, stop)`, without overflowing or sequence ranges. */
  sliceRange(start: number, stop: number): Encoding {
    return new Encoding({
      ids: this.ids.slice(start, stop),
      tokens: this.tokens.slice(start, stop),
      typeIds: this.typeIds.slice(start, stop),
      offsets: this.offsets.slice(start, stop),
      wordIds: this.wordIds.slice(start, stop),
      specialTokensMask: this.specialTokensMask.slice(start, stop),
      attentionMask: this.attentionMask.slice(start, stop),
    });
  }

  /**
   * Keeps at most `maxLength` tokens; the rest become overflowing windows that overlap the
   * previous one by `stride` tokens (HF `Encoding::truncate`).
   */
  truncate(maxLength: number, stride: number, direction: Direction): void {
    const n = this.ids.length;
    if (maxLength >= n) return;
    if (maxLength === 0) {
      const whole = new Encoding({ ...this, overflowing: this.overflowing, sequenceRanges: this.sequenceRanges });
      Object.assign(this, Encoding.empty());
      this.overflowing = [whole];
      return;
    }
    if (stride >= maxLength) {
      throw new TokenizerError(
        'E_TRUNCATION',
        `truncate: stride (${stride}) must be strictly less than max length (${maxLength}); the max length excludes special tokens`,
      );
    }
    const step = maxLength - stride;
    const ranges: [number, number][] = [];
    if (direction === 'Right') {
      for (let start = 0; start < n; start += step) {
        const stop = Math.min(start + maxLength, n);
        ranges.push([start, stop]);
        if (stop === n) break;
      }
    } else {
      for (let last = n - 1; last >= 0; last -= step) {
        const stop = last + 1;
        const start = Math.max(0, stop - maxLength);
        ranges.push([start, stop]);
        if (start === 0) break;
      }
    }
    const parts = ranges.map(([a, b]) => this.sliceRange(a, b));
    const first = parts[0];
    first.overflowing = parts.slice(1);
    Object.assign(this, first);
  }

  /**
   * Pads to `targetLength` (and every overflowing window too). Padding past `MAX_PADDED_LENGTH`
   * tokens is an E_LIMIT error: a length from a typo or an untrusted file would otherwise
   * allocate until the process runs out of memory.
   */
  pad(targetLength: number, padId: number, padTypeId: number, padToken: string, direction: Direction): void {
    for (const o of this.overflowing) o.pad(targetLength, padId, padTypeId, padToken, direction);
    const n = this.ids.length;
    if (n >= targetLength) return;
    checkPaddedLength(targetLength, 'padding');
    const k = targetLength - n;
    if (direction === 'Left') {
      this.ids = prependFill(this.ids, k, padId);
      this.typeIds = prependFill(this.typeIds, k, padTypeId);
      this.tokens = prependFill(this.tokens, k, padToken);
      this.wordIds = prependFill<number | null>(this.wordIds, k, null);
      this.attentionMask = prependFill(this.attentionMask, k, 0);
      this.specialTokensMask = prependFill(this.specialTokensMask, k, 1);
      const offsets = new Array<[number, number]>(targetLength);
      for (let i = 0; i < k; i++) offsets[i] = [0, 0];
      for (let i = 0; i < n; i++) offsets[k + i] = this.offsets[i];
      this.offsets = offsets;
      for (const [seq, [a, b]] of this.sequenceRanges) this.sequenceRanges.set(seq, [a + k, b + k]);
    } else {
      for (let i = 0; i < k; i++) {
        this.ids.push(padId);
        this.typeIds.push(padTypeId);
        this.tokens.push(padToken);
        this.wordIds.push(null);
        this.attentionMask.push(0);
        this.specialTokensMask.push(1);
        this.offsets.push([0, 0]);
      }
    }
  }

  /**
   * Appends `pair` (HF `merge_with`): overflowing windows combine as a cross product so that
   * every window of one side is seen with every window of the other.
   */
  mergeWith(pair: Encoding, growingOffsets: boolean): void {
    const overflowings: Encoding[] = [];
    for (const selfO of this.overflowing) {
      const a = selfO.clone();
      a.mergeWith(pair.clone(), growingOffsets);
      overflowings.push(a);
      for (const otherO of pair.overflowing) {
        const b = selfO.clone();
        b.mergeWith(otherO.clone(), growingOffsets);
        overflowings.push(b);
      }
    }
    for (const otherO of pair.overflowing) {
      const c = this.clone();
      c.mergeWith(otherO.clone(), growingOffsets);
      overflowings.push(c);
    }
    const base = this.ids.length;
    for (const [seq, [a, b]] of pair.sequenceRanges) this.sequenceRanges.set(seq, [base + a, base + b]);
    const startOffset = growingOffsets && this.offsets.length > 0 ? this.offsets[this.offsets.length - 1][1] : 0;
    // Element by element: `push(...array)` passes every element as an argument and overflows
    // the stack above ~125k tokens.
    appendAll(this.ids, pair.ids);
    appendAll(this.typeIds, pair.typeIds);
    appendAll(this.tokens, pair.tokens);
    appendAll(this.wordIds, pair.wordIds);
    for (const [a, b] of pair.offsets) this.offsets.push([a + startOffset, b + startOffset]);
    appendAll(this.specialTokensMask, pair.specialTokensMask);
    appendAll(this.attentionMask, pair.attentionMask);
    this.overflowing = overflowings;
  }

  /** Concatenates encodings into one (HF `Encoding::merge`). */
  static merge(encodings: Encoding[], growingOffsets: boolean): Encoding {
    const out = Encoding.empty();
    for (const e of encodings) out.mergeWith(e, growingOffsets);
    return out;
  }
}
