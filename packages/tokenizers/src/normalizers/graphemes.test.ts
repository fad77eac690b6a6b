/**
 * The windowed grapheme segmentation gives exactly the clusters of one `Intl.Segmenter` pass over
 * the whole string, whatever the window (tiny windows put a seam next to every kind of cluster:
 * emoji ZWJ sequences, flags, Hangul, Indic conjuncts, CR LF, long runs of combining marks), and
 * its time grows linearly with the input.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../rng';
import { forEachGrapheme, graphemes } from './graphemes';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const reference = (s: string) => Array.from(segmenter.segment(s), (g) => g.segment);

// Pieces that interact across cluster boundaries, plus lone surrogates and controls.
const PIECES = [
  'a',
  ' ',
  '\r',
  '\n',
  '\r\n',
  '\u0301',
  '\u0308',
  '\u200d',
  '\u{1F468}',
  '\u{1F469}',
  '\u{1F3FB}',
  '\u{1F1EB}',
  '\u{1F1F7}',
  '\u1100',
  '\u1161',
  '\u11a8',
  '\uac00',
  '\u0915',
  '\u094d',
  '\u0937',
  '\u0600',
  '\u0903',
  '\ud800',
  '\udc00',
  '\u0001',
  '\ufeff',
  '日',
  'é',
];

function randomText(rand: () => number, length: number): string {
  let s = '';
  while (s.length < length) s += PIECES[Math.floor(rand() * PIECES.length)];
  return s;
}

function withWindow(s: string, window: number): string[] {
  const out: string[] = [];
  forEachGrapheme(s, (a, b) => out.push(s.slice(a, b)), window);
  return out;
}

describe('graphemes', () => {
  it('matches one Intl.Segmenter pass on random adversarial text, for every window size', () => {
    const rand = seededRandom(29);
    for (let trial = 0; trial < 300; trial++) {
      const s = randomText(rand, 1 + Math.floor(rand() * 120));
      const expected = reference(s);
      for (const window of [1, 2, 3, 5, 8, 64]) expect(withWindow(s, window), JSON.stringify(s)).toEqual(expected);
    }
  });

  it('handles a cluster far longer than the window and the empty string', () => {
    const long = `x${'\u0301'.repeat(5000)}y\u{1F468}\u200d\u{1F469}`;
    expect(graphemes(long)).toEqual(reference(long));
    expect(graphemes('')).toEqual([]);
  });

  it('takes linear time (growth ratio, never an absolute time)', () => {
    const text = (n: number) => 'ab日 é\u0301,'.repeat(n / 7);
    const time = (n: number) => {
      const s = text(n);
      let best = Infinity;
      for (let k = 0; k < 3; k++) {
        const t0 = performance.now();
        forEachGrapheme(s, () => {});
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    };
    time(20_000); // warm up
    // Quadratic segmentation gave ×16 here (8k → 120 ms, 32k → 1.9 s on Node 20).
    expect(time(128_000) / time(32_000)).toBeLessThan(8);
  });
});
