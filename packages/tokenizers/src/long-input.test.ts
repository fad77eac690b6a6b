/**
 * One megabyte of text through every fixture tokenizer, in each file format: it must not throw
 * (pushing 300k tokens through `push(...array)` overflowed the stack), it must take time linear
 * in its length (measured as a growth ratio from 256 KB to 1 MB, never as an absolute time:
 * grapheme segmentation was quadratic and made ALBERT take seconds per 100 KB), and it must
 * agree with encoding its first and last 32 KB on their own, offsets included (cut before a
 * single space, a boundary every pipeline keeps).
 */
import { describe, expect, it } from 'vitest';
import { FIXTURE_SENTENCEPIECE, FIXTURE_TOKENIZERS } from '../../../test-utils/tokenizers/fixtures';
import type { Encoding } from './encoding';
import { seededRandom } from './rng';

const WORDS = [
  'the',
  'Quick',
  'brown',
  'fox',
  'jumps',
  'over',
  'lazy',
  'dogs,',
  'naïve',
  'café',
  '日本語',
  '中文',
  'émoji😀',
  "don't",
  '2024',
  'x²',
  'Ünïcödé',
  'straße',
  'resume\u0301',
  'hello!',
  '(paren)',
  'a.b',
  'ﬁne',
  '한국어',
];

/** Seeded text of at least `n` code units: words, single spaces, now and then a newline. */
function text(n: number, seed = 11): string {
  const rand = seededRandom(seed);
  const parts: string[] = [];
  let length = 0;
  while (length < n) {
    const w = WORDS[Math.floor(rand() * WORDS.length)] + (rand() < 0.05 ? '\n' : ' ');
    parts.push(w);
    length += w.length;
  }
  return parts.join('');
}

const MB = text(1 << 20);
const QUARTER = MB.slice(0, 1 << 18);
/** A cut right before a space that precedes an ASCII letter: a boundary every tokenizer keeps. */
const cutNear = (at: number) => at + MB.slice(at).search(/(?<=[^\s]) [a-z]/);
const HEAD = cutNear(1 << 15);
const TAIL = cutNear(MB.length - (1 << 15));

/** Growth ratio of `encode`'s time from 256 KB to 1 MB (linear: about 4; quadratic: 16). */
function growth<T>(encode: (s: string) => T): { ratio: number; big: T } {
  encode(MB.slice(0, 1 << 14)); // warm up the JIT so that the first timing is not inflated
  const time = (s: string) => {
    const t0 = performance.now();
    const out = encode(s);
    return { ms: performance.now() - t0, out };
  };
  let small = time(QUARTER).ms;
  let big = time(MB);
  if (big.ms / small >= 10) {
    // One retry absorbs a burst of load from other processes on a shared machine.
    small = Math.min(small, time(QUARTER).ms);
    const again = time(MB);
    if (again.ms < big.ms) big = again;
  }
  return { ratio: big.ms / small, big: big.out };
}

/** The tokens of `e` that are not special, as [id, start, end] shifted by `shift`. */
function plain(e: Encoding, shift = 0): [number, number, number][] {
  const out: [number, number, number][] = [];
  e.ids.forEach((id, i) => {
    if (!e.specialTokensMask[i]) out.push([id, e.offsets[i][0] + shift, e.offsets[i][1] + shift]);
  });
  return out;
}

describe.each(FIXTURE_TOKENIZERS)('%s on 1 MB', (name, make) => {
  it('encodes in linear time and agrees with its first and last 32 KB', () => {
    const tokenizer = make();
    // The BERT vocab.txt pipeline takes the input as a pair, which goes through mergeWith.
    const pair = name.includes('vocab.txt');
    const { ratio, big } = growth((s) => (pair ? tokenizer.encode(s.slice(0, s.length >> 1), s.slice(s.length >> 1)) : tokenizer.encode(s)));
    expect(ratio).toBeLessThan(10);
    expect(big.length).toBeGreaterThan(200_000);
    const whole = plain(big);
    const head = plain(tokenizer.encode(MB.slice(0, HEAD)));
    expect(whole.slice(0, head.length)).toEqual(head);
    if (!pair) {
      const tail = plain(tokenizer.encode(MB.slice(TAIL)), TAIL);
      expect(whole.slice(whole.length - tail.length)).toEqual(tail);
    } else {
      expect(big.typeIds[big.length - 1]).toBe(1);
    }
  });
});

describe.each(FIXTURE_SENTENCEPIECE)('%s on 1 MB', (_, make) => {
  // SentencePiece runs one Viterbi over the whole text with float32 path scores, which lose
  // precision as they grow (for ALBERT, segmentations in the first 64 KB already differ from
  // those of the 64 KB alone), so a long text need not split like its parts; SentencePiece
  // itself does the same. The pieces must still spell out the normalized text exactly.
  it('encodes in linear time into pieces that spell the normalized text', () => {
    const spm = make();
    const { ratio, big } = growth((s) => spm.encode(s));
    expect(ratio).toBeLessThan(10);
    expect(big.ids.length).toBeGreaterThan(200_000);
    expect(big.pieces.join('')).toBe(spm.normalize(MB));
    expect(big.ids.every((id) => id >= 0 && id < spm.vocabSize)).toBe(true);
  });
});
