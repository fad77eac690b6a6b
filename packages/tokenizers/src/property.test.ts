/**
 * Property tests over seeded random Unicode strings (ASCII, Latin accents, combining marks, CJK,
 * Hangul, emoji with modifiers, C0 and C1 controls, odd whitespace and zero-width characters,
 * lone surrogates, noncharacters) on every fixture tokenizer: encoding never throws, offsets stay
 * inside the input and never go backwards, ids are u32 the vocabulary knows, and byte-level BPE
 * decodes back to the input exactly (lone surrogates come back as U+FFFD, as UTF-8 has no
 * encoding for them).
 */
import { describe, expect, it } from 'vitest';
import { FIXTURE_SENTENCEPIECE, FIXTURE_TOKENIZERS, tokenizerText } from '../../../test-utils/tokenizers/fixtures';
import { Tokenizer } from './pipeline/tokenizer';
import { seededRandom } from './rng';

const POOLS: [number, number][] = [
  [0x20, 0x7e],
  [0x20, 0x7e],
  [0xc0, 0x17f],
  [0x300, 0x36f],
  [0x4e00, 0x9fff],
  [0xac00, 0xd7a3],
  [0x1100, 0x11ff],
  [0x3040, 0x30ff],
  [0x1f300, 0x1f6ff],
  [0x1f3fb, 0x1f3ff],
  [0x1f1e6, 0x1f1ff],
  [0x0, 0x1f],
  [0x7f, 0x9f],
  [0x2000, 0x206f],
  [0xfe00, 0xfe0f],
  [0xff00, 0xffef],
  [0xfff0, 0xffff],
  [0xd800, 0xdfff],
  [0x900, 0x97f],
  [0x600, 0x6ff],
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

/** `s` with every lone surrogate replaced by U+FFFD (what a UTF-8 round trip gives). */
const wellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

const strings = randomStrings(1234, 300);
const load = (name: string) => Tokenizer.fromJSON(tokenizerText(name, 'tokenizer.json')).setTruncation(null).setPadding(null);

describe.each(FIXTURE_TOKENIZERS)('%s on random Unicode', (_, make) => {
  const tokenizer = make();

  it('never throws; offsets are inside the input and non-decreasing; ids are known', () => {
    for (const s of strings) {
      const e = tokenizer.encode(s, s.slice(0, 7));
      let last = 0;
      const sequence = e.sequenceIds();
      e.offsets.forEach(([a, b], i) => {
        if (e.specialTokensMask[i] || sequence[i] === 1) return; // the pair's offsets restart at 0
        expect(a).toBeGreaterThanOrEqual(last);
        expect(b).toBeGreaterThanOrEqual(a);
        expect(b).toBeLessThanOrEqual(s.length);
        last = a;
      });
      for (const id of e.ids) expect(tokenizer.idToToken(id), `${id} in ${JSON.stringify(s)}`).toBeDefined();
      expect(typeof tokenizer.decode(e.ids)).toBe('string');
    }
  });
});

describe.each(FIXTURE_SENTENCEPIECE)('%s on random Unicode', (_, make) => {
  const spm = make();

  it('never throws and gives ids of the model', () => {
    for (const s of strings) {
      const { ids, pieces } = spm.encode(s);
      expect(pieces.length).toBe(ids.length);
      for (const id of ids) expect(id >= 0 && id < spm.vocabSize).toBe(true);
      expect(typeof spm.decode(ids)).toBe('string');
    }
  });
});

describe('byte-level BPE (gpt2)', () => {
  const gpt2 = load('gpt2');

  it('decode(encode(x)) === x for every random string', () => {
    for (const s of strings) expect(gpt2.decode(gpt2.encode(s).ids)).toBe(wellFormed(s));
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
