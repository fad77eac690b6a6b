/**
 * The result of encoding one input (or pair): parallel arrays, one entry per token, plus the
 * pieces that truncation cut off (`overflowing`). Offsets are `[start, end)` in UTF-16 code units
 * of the input string; special tokens have `[0, 0]` and a null word id.
 */

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
      throw new RangeError(`truncate: stride (${stride}) must be strictly less than max length (${maxLength}); the max length excludes special tokens`);
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

  /** Pads to `targetLength` (and every overflowing window too). */
  pad(targetLength: number, padId: number, padTypeId: number, padToken: string, direction: Direction): void {
    for (const o of this.overflowing) o.pad(targetLength, padId, padTypeId, padToken, direction);
    const n = this.ids.length;
    if (n >= targetLength) return;
    const k = targetLength - n;
    const fill = <T>(v: T): T[] => new Array<T>(k).fill(v);
    const offsets: [number, number][] = Array.from({ length: k }, () => [0, 0]);
    if (direction === 'Left') {
      this.ids = [...fill(padId), ...this.ids];
      this.typeIds = [...fill(padTypeId), ...this.typeIds];
      this.tokens = [...fill(padToken), ...this.tokens];
      this.wordIds = [...fill<number | null>(null), ...this.wordIds];
      this.attentionMask = [...fill(0), ...this.attentionMask];
      this.specialTokensMask = [...fill(1), ...this.specialTokensMask];
      this.offsets = [...offsets, ...this.offsets];
      for (const [seq, [a, b]] of this.sequenceRanges) this.sequenceRanges.set(seq, [a + k, b + k]);
    } else {
      this.ids.push(...fill(padId));
      this.typeIds.push(...fill(padTypeId));
      this.tokens.push(...fill(padToken));
      this.wordIds.push(...fill<number | null>(null));
      this.attentionMask.push(...fill(0));
      this.specialTokensMask.push(...fill(1));
      this.offsets.push(...offsets);
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
    this.ids.push(...pair.ids);
    this.typeIds.push(...pair.typeIds);
    this.tokens.push(...pair.tokens);
    this.wordIds.push(...pair.wordIds);
    for (const [a, b] of pair.offsets) this.offsets.push([a + startOffset, b + startOffset]);
    this.specialTokensMask.push(...pair.specialTokensMask);
    this.attentionMask.push(...pair.attentionMask);
    this.overflowing = overflowings;
  }

  /** Concatenates encodings into one (HF `Encoding::merge`). */
  static merge(encodings: Encoding[], growingOffsets: boolean): Encoding {
    const out = Encoding.empty();
    for (const e of encodings) out.mergeWith(e, growingOffsets);
    return out;
  }
}
