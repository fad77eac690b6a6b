/**
 * Extended grapheme clusters in linear time. `Intl.Segmenter` gives the clusters we need (the
 * Precompiled normalizer works grapheme by grapheme), but on Node 20 each step of its iterator
 * costs time proportional to the WHOLE input: walking a string of n characters is O(n²).
 * Measured: the first 2,000 segments of a 10k-character string take 9 ms, of a 640k one 5.9 s,
 * and a whole 160k-character string 50–75 s. So we never hand it more than a small window.
 *
 * A window starts at a known cluster boundary, and UAX #29 decides a boundary from the text
 * before it plus the one character after it, so every boundary that has a character of the
 * window after it is final. The window's last clusters may be cut short by its end; we keep all
 * but the last two, and start the next window where they began. A window that holds fewer than
 * three clusters (one cluster longer than the window, e.g. a letter with thousands of combining
 * marks) is doubled until it does, which keeps the total work linear.
 */

import { isHighSurrogate, isLowSurrogate } from '../unicode';

/** Code units per window: small enough that a window's quadratic cost stays negligible. */
const WINDOW = 256;

let segmenter: Intl.Segmenter | null = null;

/**
 * Calls `fn(start, end)` for each extended grapheme cluster of `text`, in order; `window` is
 * exposed for tests (a tiny window exercises every seam).
 */
export function forEachGrapheme(text: string, fn: (start: number, end: number) => void, window = WINDOW): void {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const n = text.length;
  let start = 0;
  let size = window;
  const bounds: number[] = [];
  while (start < n) {
    let end = Math.min(n, start + size);
    // Never split a surrogate pair: the character after a boundary must be whole to decide it.
    if (end < n && isHighSurrogate(text.charCodeAt(end - 1)) && isLowSurrogate(text.charCodeAt(end))) end++;
    bounds.length = 0;
    for (const s of segmenter.segment(end - start === n ? text : text.slice(start, end))) bounds.push(start + s.index);
    if (end === n) {
      for (let k = 0; k < bounds.length; k++) fn(bounds[k], k + 1 < bounds.length ? bounds[k + 1] : n);
      return;
    }
    if (bounds.length < 3) {
      size *= 2;
      continue;
    }
    const keep = bounds.length - 2;
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
