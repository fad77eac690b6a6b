/**
 * A string being normalized that remembers, for every UTF-16 code unit of the normalized text,
 * which range of the ORIGINAL text it came from. Offsets reported to users are always computed
 * through this alignment, so they point into the text the user passed in, in UTF-16 code units
 * (the unit of JS string indices; HF's Python API reports code point offsets instead).
 *
 * The transformation primitive mirrors HF's `transform_range`: new characters come with a change
 * flag (0 = replaces one old character, 1 = inserted, -n = replaces one and removes n more), and
 * an inserted character shares the alignment of the character before it. Untouched strings keep
 * no alignment arrays at all (identity), which is the common case for ASCII input.
 */
import { TokenizerError } from './errors';
import { applyBehavior, findMatches, type Pattern, type SplitBehavior } from './pattern';
import { clusterRanges, pushReplacement, unitLength, type Edit } from './alignment-edits';
import { isAscii, isWhitespace } from './unicode';

export { pushReplacement, type Edit } from './alignment-edits';

/** A normalized string with its alignment to the original. */
export class NormalizedString {
  /** The text before normalization (the slice of the user's input this covers). */
  readonly original: string;
  /** Where `original` starts inside the full input, in UTF-16 code units. */
  readonly originalShift: number;
  private norm: string;
  // Per normalized code unit: [start, end) in `original`. null means positional: normalized and
  // original have the same shape and code unit i came from code unit i (no arrays needed).
  private starts: Int32Array | null;
  private ends: Int32Array | null;

  constructor(original: string, originalShift = 0, normalized?: string, starts?: Int32Array, ends?: Int32Array) {
    this.original = original;
    this.originalShift = originalShift;
    this.norm = normalized ?? original;
    this.starts = starts ?? null;
    this.ends = ends ?? null;
  }

  /** The normalized text. */
  get normalized(): string {
    return this.norm;
  }

  /** Length of the normalized text in UTF-16 code units. */
  get length(): number {
    return this.norm.length;
  }

  /** True when the normalized text is empty. */
  isEmpty(): boolean {
    return this.norm.length === 0;
  }

  /** `[start, end)` of `original` inside the full input. */
  offsetsOriginal(): [number, number] {
    return [this.originalShift, this.originalShift + this.original.length];
  }

  /** The alignment arrays, created from the identity on first need. */
  private materialize(): [Int32Array, Int32Array] {
    if (this.starts && this.ends) return [this.starts, this.ends];
    const n = this.norm.length;
    const starts = new Int32Array(n);
    const ends = new Int32Array(n);
    for (let i = 0; i < n; ) {
      const len = unitLength(this.norm, i);
      for (let k = 0; k < len; k++) {
        starts[i + k] = i;
        ends[i + k] = i + len;
      }
      i += len;
    }
    this.starts = starts;
    this.ends = ends;
    return [starts, ends];
  }

  /** The original range `[start, end)` of normalized code unit `i`. */
  alignment(i: number): [number, number] {
    const [s, e] = this.materialize();
    return [s[i], e[i]];
  }

  /**
   * Maps a normalized range to the original range (relative to `original`), with HF's rules:
   * an empty range is returned as is, a range past the end gives null.
   */
  convertOffsets(start: number, end: number): [number, number] | null {
    if (start === end) return [start, end];
    if (start > end || end > this.norm.length) return null;
    if (this.starts === null || this.ends === null) return [start, end];
    return [this.starts[start], this.ends[end - 1]];
  }

  /**
   * Offsets of a token in the full input: `convertOffsets` plus `originalShift`, falling back to
   * the normalized range itself when it cannot be converted (as HF does).
   */
  originalRange(start: number, end: number): [number, number] {
    const shift = this.originalShift;
    if (this.starts === null || this.ends === null || start === end) {
      return end <= this.norm.length || start === end ? [shift + start, shift + end] : [start, end];
    }
    if (start > end || end > this.norm.length) return [start, end];
    return [shift + this.starts[start], shift + this.ends[end - 1]];
  }

  /** A new NormalizedString for the normalized range `[start, end)`. */
  slice(start: number, end: number): NormalizedString {
    const o = this.convertOffsets(start, end) ?? [start, end];
    const original = this.original.slice(o[0], o[1]);
    const normalized = this.norm.slice(start, end);
    if (this.starts === null || this.ends === null) {
      return new NormalizedString(original, this.originalShift + o[0], normalized);
    }
    const starts = this.starts.slice(start, end);
    const ends = this.ends.slice(start, end);
    for (let i = 0; i < starts.length; i++) {
      starts[i] -= o[0];
      ends[i] -= o[0];
    }
    return new NormalizedString(original, this.originalShift + o[0], normalized, starts, ends);
  }

  /**
   * Replaces the normalized range `[start, end)` by `chars` (one code point each) with HF's change
   * flags; `initialOffset` old characters at the start of the range are dropped first.
   */
  transformRange(start: number, end: number, chars: readonly string[], changes: ArrayLike<number>, initialOffset = 0): void {
    this.applyEdits([{ start, end, chars, changes, initialOffset }]);
  }

  /**
   * Applies several `transformRange` edits at once (sorted, non-overlapping ranges of the
   * current text) in a single pass, so sparse changes to a long text stay linear.
   */
  applyEdits(edits: readonly Edit[]): void {
    if (edits.length === 0) return;
    const [os, oe] = this.materialize();
    const old = this.norm;
    const parts: string[] = [];
    const newS: number[] = [];
    const newE: number[] = [];
    let copied = 0; // old code units copied or consumed so far
    const copyUpTo = (to: number) => {
      if (to <= copied) return;
      parts.push(old.slice(copied, to));
      for (let i = copied; i < to; i++) newS.push(os[i]), newE.push(oe[i]);
      copied = to;
    };
    for (const { start, end, chars, changes, initialOffset = 0 } of edits) {
      copyUpTo(start);
      let offset = start;
      for (let k = 0; k < initialOffset; k++) offset += unitLength(old, offset);
      for (let j = 0; j < chars.length; j++) {
        const c = chars[j];
        const change = changes[j];
        const idx = offset;
        let as: number;
        let ae: number;
        if (change > 0) {
          if (idx < 1) as = ae = 0;
          else if (idx - 1 < os.length) (as = os[idx - 1]), (ae = oe[idx - 1]);
          else as = ae = this.original.length;
        } else if (idx < os.length) {
          as = os[idx];
          ae = oe[idx];
        } else {
          as = ae = this.original.length;
        }
        if (change <= 0) offset += unitLength(old, offset);
        for (let k = 0; k < -change; k++) offset += unitLength(old, offset);
        parts.push(c);
        for (let k = 0; k < c.length; k++) newS.push(as), newE.push(ae);
      }
      copied = end;
    }
    copyUpTo(old.length);
    this.norm = parts.join('');
    this.starts = Int32Array.from(newS);
    this.ends = Int32Array.from(newE);
  }

  /** `transformRange` over the whole normalized text. */
  transform(chars: readonly string[], changes: ArrayLike<number>, initialOffset = 0): void {
    this.transformRange(0, this.norm.length, chars, changes, initialOffset);
  }

  /**
   * Swaps in a text of the same length whose code unit `i` stands for old code unit `i` (a
   * 1:1 character mapping), keeping the alignments. Callers guarantee the shape.
   */
  replaceSameShape(text: string): void {
    if (text.length !== this.norm.length) {
      throw new TokenizerError(
        'E_ARGUMENT',
        `NormalizedString.replaceSameShape: the new text has ${text.length} code units but the old one ${this.norm.length}; use transform() for changes of length`,
      );
    }
    this.norm = text;
  }

  /** Keeps only the code points for which `keep` is true. */
  filter(keep: (cp: number) => boolean): this {
    const s = this.norm;
    const edits: Edit[] = [];
    for (let i = 0; i < s.length; ) {
      const cp = s.codePointAt(i)!;
      const len = cp > 0xffff ? 2 : 1;
      if (!keep(cp)) {
        // Deleting is all a removal does to the alignment, wherever HF books the change.
        const last = edits[edits.length - 1];
        if (last && last.end === i) last.end = i + len;
        else edits.push({ start: i, end: i + len, chars: [], changes: [] });
      }
      i += len;
    }
    this.applyEdits(edits);
    return this;
  }

  /** Maps every code point to another single code point. */
  map(fn: (cp: number) => number): this {
    const s = this.norm;
    const chars: string[] = [];
    let sameShape = true;
    let changed = false;
    for (let i = 0; i < s.length; ) {
      const cp = s.codePointAt(i)!;
      const len = cp > 0xffff ? 2 : 1;
      const to = fn(cp);
      if (to !== cp) changed = true;
      if ((to > 0xffff ? 2 : 1) !== len) sameShape = false;
      chars.push(String.fromCodePoint(to));
      i += len;
    }
    if (!changed) return this;
    if (sameShape) this.replaceSameShape(chars.join(''));
    else this.transform(chars, new Int32Array(chars.length));
    return this;
  }

  /** Applies a per-code-point mapping to 0..n code points (first replaces, the rest are inserted). */
  private expandEach(fn: (ch: string) => string): void {
    const s = this.norm;
    const chars: string[] = [];
    const changes: number[] = [];
    let sameShape = true;
    for (let i = 0; i < s.length; ) {
      const len = unitLength(s, i);
      const ch = s.slice(i, i + len);
      const out = fn(ch);
      if (out.length !== len || (len === 1 && out.length === 1 && unitLength(out, 0) !== 1)) sameShape = false;
      let first = true;
      for (const c of out) {
        chars.push(c);
        changes.push(first ? 0 : 1);
        first = false;
      }
      if (first) sameShape = false; // mapped to nothing: not expected for case mappings
      i += len;
    }
    if (sameShape) this.replaceSameShape(chars.join(''));
    else this.transform(chars, changes);
  }

  /** Lowercases each code point on its own (no context rules, like Rust's `char::to_lowercase`). */
  lowercase(): this {
    const s = this.norm;
    if (isAscii(s)) {
      this.replaceSameShape(s.toLowerCase());
      return this;
    }
    // String-level lowercasing only differs from per-character lowercasing for final sigma;
    // an unchanged length means no character expanded, so positions still correspond.
    const lower = s.toLowerCase();
    if (lower.length === s.length && !s.includes('\u03a3')) this.replaceSameShape(lower);
    else this.expandEach((ch) => ch.toLowerCase());
    return this;
  }

  /** Uppercases each code point on its own. */
  uppercase(): this {
    if (isAscii(this.norm)) this.replaceSameShape(this.norm.toUpperCase());
    else this.expandEach((ch) => ch.toUpperCase());
    return this;
  }

  /** Applies a Unicode normalization form, keeping alignments per base character + marks. */
  normalizeUnicode(form: 'NFC' | 'NFD' | 'NFKC' | 'NFKD'): this {
    const s = this.norm;
    if (isAscii(s)) return this;
    const whole = s.normalize(form);
    if (whole === s) return this;
    const edits: Edit[] = [];
    let result = '';
    let copied = 0;
    for (const [start, end] of clusterRanges(s)) {
      const cluster = s.slice(start, end);
      const out = cluster.normalize(form);
      if (out === cluster) continue;
      const chars: string[] = [];
      const changes: number[] = [];
      pushReplacement(chars, changes, [...cluster].length, [...out]);
      edits.push({ start, end, chars, changes });
      result += s.slice(copied, start) + out;
      copied = end;
    }
    result += s.slice(copied);
    if (result !== whole) {
      // Reordering or composition crossed our cluster boundaries: align the text as one block.
      const chars: string[] = [];
      const changes: number[] = [];
      pushReplacement(chars, changes, [...s].length, [...whole]);
      this.transform(chars, changes);
      return this;
    }
    this.applyEdits(edits);
    return this;
  }

  /** Prepends `s`; the new characters align with the first character. */
  prepend(s: string): this {
    if (this.norm.length === 0 || s.length === 0) return this;
    const firstLen = unitLength(this.norm, 0);
    const add = [...s];
    const chars = [...add, this.norm.slice(0, firstLen)];
    const changes = chars.map((_, i) => (i === 0 ? 0 : 1));
    this.transformRange(0, firstLen, chars, changes, 0);
    return this;
  }

  /** Appends `s`; the new characters align with the last character. */
  append(s: string): this {
    if (this.norm.length === 0 || s.length === 0) return this;
    const n = this.norm.length;
    const lastLen = n >= 2 && unitLength(this.norm, n - 2) === 2 ? 2 : 1;
    const chars = [this.norm.slice(n - lastLen), ...s];
    const changes = chars.map((_, i) => (i === 0 ? 0 : 1));
    this.transformRange(n - lastLen, n, chars, changes, 0);
    return this;
  }

  /** Removes leading and/or trailing whitespace. */
  strip(left = true, right = true): this {
    const cps = [...this.norm];
    let lead = 0;
    if (left) while (lead < cps.length && isWhitespace(cps[lead].codePointAt(0)!)) lead++;
    let trail = 0;
    if (right) while (trail < cps.length - lead && isWhitespace(cps[cps.length - 1 - trail].codePointAt(0)!)) trail++;
    if (lead === 0 && trail === 0) return this;
    const kept = cps.slice(lead, cps.length - trail);
    const changes = kept.map(() => 0);
    if (changes.length > 0) changes[changes.length - 1] = -trail;
    this.transform(kept, changes, lead + (kept.length === 0 ? trail : 0));
    return this;
  }

  /** Replaces every match of `pattern` by `content`; the new text aligns with the last replaced character. */
  replace(pattern: Pattern, content: string): this {
    let shift = 0;
    const contentChars = [...content];
    const ones = contentChars.map(() => 1);
    for (const [start, end, isMatch] of findMatches(pattern, this.norm)) {
      if (!isMatch) continue;
      const a = start + shift;
      const b = end + shift;
      const removed = [...this.norm.slice(a, b)].length;
      this.transformRange(a, b, contentChars, ones, removed);
      shift += content.length - (end - start);
    }
    return this;
  }

  /** Splits on `pattern`, treating the delimiters as `behavior` says. */
  split(pattern: Pattern, behavior: SplitBehavior): NormalizedString[] {
    const pieces = applyBehavior(findMatches(pattern, this.norm), behavior);
    const out: NormalizedString[] = [];
    for (const [a, b, remove] of pieces) if (!remove) out.push(this.slice(a, b));
    return out;
  }
}
