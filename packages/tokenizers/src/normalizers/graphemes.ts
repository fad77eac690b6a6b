/**
 * Extended grapheme clusters in linear time. `Intl.Segmenter` gives the clusters we need (the
 * Precompiled normalizer works grapheme by grapheme), but on Node 20 each step of its iterator
 * costs time proportional to the WHOLE input: walking a string of n characters is O(n²).
 * Measured: the first 2,000 segments of a 10k-character string take 9 ms, of a 640k one 5.9 s,
 * and a whole 160k-character string 50–75 s. So we never hand it more than a small window.
 *
 * A window starts at a known cluster boundary, and UAX #29 decides a boundary from the text
 * before it plus the one character after it, so every boundary that has a character of the
 * window after it is final. A window ends at its last certain boundary (two ASCII characters)
 * when it has one; otherwise its last clusters may be cut short by its end, so we keep all but
 * the last two and start the next window where they began. A window that holds fewer than three
 * clusters (one cluster longer than the window, e.g. a letter with thousands of combining marks)
 * is doubled until it does, which keeps the total work linear.
 */

import { isHighSurrogate, isLowSurrogate } from '../unicode';

/** Code units per window: small enough that a window's quadratic cost stays negligible. */
const WINDOW = 256;

let segmenter: Intl.Segmenter | null = null;

/**
 * True when a cluster boundary at `i` is certain from `text[i - 1]` and `text[i]` alone: two
 * ASCII characters other than CR LF. No UAX #29 rule joins them (Prepend, Extend, ZWJ, spacing
 * marks, Hangul jamo and regional indicators are all outside ASCII), whatever comes around them.
 */
function certainBoundary(text: string, i: number): boolean {
  const a = text.charCodeAt(i - 1);
  const b = text.charCodeAt(i);
  return a < 128 && b < 128 && !(a === 13 && b === 10);
}

/**
 * Calls `fn(start, end)` for each extended grapheme cluster of `text`, in order; `window` is
 * exposed for tests (a tiny window exercises every seam). ASCII between certain boundaries never
 * reaches `Intl.Segmenter`, which makes the common case several times faster.
 */
export function forEachGrapheme(text: string, fn: (start: number, end: number) => void, window = WINDOW): void {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const n = text.length;
  let start = 0;
  let size = window;
  const bounds: number[] = [];
  while (start < n) {
    if (start + 1 >= n || certainBoundary(text, start + 1)) {
      fn(start, start + 1);
      start++;
      continue;
    }
    // Up to the last certain boundary within the window, every cluster the segmenter finds is final.
    const limit = Math.min(n, start + size);
    let end = limit;
    while (end > start + 1 && end < n && !certainBoundary(text, end)) end--;
    const certain = end > start + 1;
    if (!certain) end = limit;
    // Never split a surrogate pair: the character after a boundary must be whole to decide it.
    if (!certain && isHighSurrogate(text.charCodeAt(end - 1)) && isLowSurrogate(text.charCodeAt(end))) end++;
    bounds.length = 0;
    for (const s of segmenter.segment(end - start === n ? text : text.slice(start, end))) bounds.push(start + s.index);
    bounds.push(end);
    if (certain) {
      for (let k = 0; k + 1 < bounds.length; k++) fn(bounds[k], bounds[k + 1]);
      start = end;
      size = window;
      continue;
    }
    // Cut by the window: the last clusters may be incomplete. Keep all but the last two, and
    // grow the window while it holds fewer than three (one cluster longer than the window).
    if (bounds.length < 4) {
      size *= 2;
      continue;
    }
    const keep = bounds.length - 3;
    for (let k = 0; k < keep; k++) fn(bounds[k], bounds[k + 1]);
    start = bounds[keep];
    size = window;
  }
}

/** The extended grapheme clusters of `text`. */
export function graphemes(text: string): string[] {
  const out: string[] = [];
  forEachGrapheme(text, (a, b) => out.push(text.slice(a, b)));
  return out;
}
