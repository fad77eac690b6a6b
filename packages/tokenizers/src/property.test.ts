/**
 * Property tests over seeded random Unicode strings (ASCII, Latin accents, combining marks, CJK,
 * Hangul, emoji with modifiers, controls and odd whitespace): encoding never throws, offsets stay
 * inside the input and never go backwards, and byte-level BPE decodes back to the input exactly.
 */
import { describe, expect, it } from 'vitest';
import { fromSentencePiece } from './loaders/sentencepiece-tokenizer';
import { Tokenizer } from './pipeline/tokenizer';
import { seededRandom } from './rng';
import { tokenizerBytes, tokenizerText } from '../../../test-utils/tokenizers/fixtures';

const POOLS: [number, number][] = [
  [0x20, 0x7e],
  [0x20, 0x7e],
  [0xc0, 0x17f],
  [0x300, 0x36f],
  [0x4e00, 0x9fff],
  [0xac00, 0xd7a3],
  [0x3040, 0x30ff],
  [0x1f300, 0x1f6ff],
  [0x1f3fb, 0x1f3ff],
  [0x0, 0x1f],
  [0x2000, 0x206f],
  [0xff00, 0xffef],
];

function randomStrings(seed: number, count: number): string[] {
  const rand = seededRandom(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const len = Math.floor(rand() * 40);
    let s = '';
    for (let k = 0; k < len; k++) {
      const [lo, hi] = POOLS[Math.floor(rand() * POOLS.length)];
      s += String.fromCodePoint(lo + Math.floor(rand() * (hi - lo + 1)));
    }
    out.push(s);
  }
  return out;
}

const strings = randomStrings(1234, 300);
const load = (name: string) => Tokenizer.fromJSON(tokenizerText(name, 'tokenizer.json')).setTruncation(null).setPadding(null);

describe.each([
  ['bert-base-uncased', () => load('bert-base-uncased')],
  ['gpt2', () => load('gpt2')],
  ['albert-base-v2', () => load('albert-base-v2')],
  ['t5 spiece.model', () => fromSentencePiece(tokenizerBytes('t5', 'spiece.model'))],
])('%s on random Unicode', (_, make) => {
  const tokenizer = make();

  it('never throws; offsets are inside the input and non-decreasing', () => {
    for (const s of strings) {
      const e = tokenizer.encode(s);
      let last = 0;
      e.offsets.forEach(([a, b], i) => {
        if (e.specialTokensMask[i]) return;
        expect(a).toBeGreaterThanOrEqual(last);
        expect(b).toBeGreaterThanOrEqual(a);
        expect(b).toBeLessThanOrEqual(s.length);
        last = a;
      });
      expect(e.ids.every((id) => Number.isInteger(id) && id >= 0)).toBe(true);
    }
  });
});

describe('byte-level BPE (gpt2)', () => {
  const gpt2 = load('gpt2');

  it('decode(encode(x)) === x for every random string', () => {
    for (const s of strings) expect(gpt2.decode(gpt2.encode(s).ids)).toBe(s);
  });

  it('offsets of every token cover the text it decodes from', () => {
    for (const s of strings.slice(0, 100)) {
      const e = gpt2.encode(s);
      const covered = e.offsets.map(([a, b]) => s.slice(a, b)).join('');
      // Tokens that split a character share its span, so the covered text can repeat characters.
      expect(covered.length).toBeGreaterThanOrEqual(s.length);
    }
  });
});
