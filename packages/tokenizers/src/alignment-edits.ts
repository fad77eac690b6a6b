/**
 * Helpers for NormalizedString edits: the `Edit` record of `applyEdits`, HF's replacement rule
 * (n old characters become m new ones, extras inserted or removed), the clusters Unicode
 * normalization works on, and UTF-16 code point lengths.
 */

/** Length in code units of the code point starting at `i` (0 past the end). */
export function unitLength(s: string, i: number): number {
  if (i >= s.length) return 0;
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

/** Replacement with HF's Precompiled rules: n old chars become `out`, extra ones inserted or removed. */
export function pushReplacement(chars: string[], changes: number[], oldCount: number, out: readonly string[]): void {
  for (const c of out) {
    chars.push(c);
    changes.push(0);
  }
  const diff = out.length - oldCount;
  if (diff > 0) for (let k = 0; k < diff; k++) changes[changes.length - 1 - k] = 1;
  // Like HF, a shrink is charged to the last change so far, even one from an earlier character.
  else if (diff < 0 && changes.length > 0) changes[changes.length - 1] += diff;
}

const CONTINUATION = /^[\p{M}\u1160-\u11ff]$/u;

/**
 * Ranges of the clusters that normalization may change: a non-ASCII base character, or any base
 * character followed by combining marks (or Hangul V/T jamo). Plain ASCII runs are skipped.
 */
export function clusterRanges(s: string): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < s.length; ) {
    const start = i;
    i += unitLength(s, i);
    while (i < s.length && s.charCodeAt(i) >= 0x300) {
      const len = unitLength(s, i);
      if (!CONTINUATION.test(s.slice(i, i + len))) break;
      i += len;
    }
    if (i - start > 1 || s.charCodeAt(start) > 127) out.push([start, i]);
  }
  return out;
}

/** One replacement of `transformRange` semantics, for `applyEdits`. */
export interface Edit {
  start: number;
  end: number;
  chars: readonly string[];
  changes: ArrayLike<number>;
  initialOffset?: number;
}
