import { ArgumentError, Generator } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { IGNORE_INDEX, maskTokens, resolveMasking } from './masking';
import { groupWords, wordPieceContinuations } from './whole-word';

const PAD = 0;
const CLS = 101;
const SEP = 102;
const MASK = 103;
const VOCAB = 1000;
const opts = resolveMasking({ maskTokenId: MASK, vocabSize: VOCAB, specialTokenIds: [PAD, CLS, SEP] });

/** A row `[CLS] 200 201 … [SEP] [PAD]…` with `n` content tokens and `pad` paddings. */
function row(n: number, pad = 0) {
  const inputIds = [CLS, ...Array.from({ length: n }, (_, i) => 200 + (i % 700)), SEP, ...new Array(pad).fill(PAD)];
  const attentionMask = inputIds.map((_, i) => (i < n + 2 ? 1 : 0));
  return { inputIds, attentionMask };
}

describe('maskTokens', () => {
  it('chooses ~15% of tokens; of those ~80% [MASK], ~10% random, ~10% kept (fixed seed)', () => {
    const g = new Generator(1234);
    let content = 0;
    let chosen = 0;
    let masked = 0;
    let random = 0;
    let kept = 0;
    for (let r = 0; r < 200; r++) {
      const input = row(200);
      const out = maskTokens(input, opts, g);
      content += 200;
      out.labels.forEach((label, i) => {
        if (label === IGNORE_INDEX) {
          expect(out.inputIds[i]).toBe(input.inputIds[i]);
          return;
        }
        chosen++;
        expect(label).toBe(input.inputIds[i]);
        if (out.inputIds[i] === MASK) masked++;
        else if (out.inputIds[i] === input.inputIds[i]) kept++;
        else random++;
      });
    }
    // 40,000 tokens: binomial standard deviations are ~0.2 points for 15% and ~0.5 for 80%
    expect(chosen / content).toBeGreaterThan(0.14);
    expect(chosen / content).toBeLessThan(0.16);
    expect(masked / chosen).toBeGreaterThan(0.78);
    expect(masked / chosen).toBeLessThan(0.82);
    // a random draw equal to the original id counts as kept (1 in 1000)
    expect(random / chosen).toBeGreaterThan(0.085);
    expect(random / chosen).toBeLessThan(0.115);
    expect(kept / chosen).toBeGreaterThan(0.085);
    expect(kept / chosen).toBeLessThan(0.115);
  });

  it('never chooses special tokens, padding or positions flagged in specialTokensMask', () => {
    const g = new Generator(7);
    const all = resolveMasking({ maskTokenId: MASK, vocabSize: VOCAB, specialTokenIds: [PAD, CLS, SEP], mlmProbability: 1 });
    for (let r = 0; r < 20; r++) {
      const input = { ...row(30, 10), specialTokensMask: row(30, 10).inputIds.map((_, i) => (i === 5 ? 1 : 0)) };
      const out = maskTokens(input, all, g);
      out.labels.forEach((label, i) => {
        const special = i === 0 || i >= 31 || i === 5;
        if (special) {
          expect(label).toBe(IGNORE_INDEX);
          expect(out.inputIds[i]).toBe(input.inputIds[i]);
        } else expect(label).toBe(input.inputIds[i]);
      });
    }
  });

  it('labels are -100 exactly where the token was not chosen', () => {
    const g = new Generator(99);
    const input = row(500);
    const out = maskTokens(input, opts, g);
    const changed = out.inputIds.filter((id, i) => id !== input.inputIds[i]).length;
    const labelled = out.labels.filter((l) => l !== IGNORE_INDEX).length;
    expect(labelled).toBeGreaterThan(0);
    expect(changed).toBeLessThanOrEqual(labelled);
    out.inputIds.forEach((id, i) => {
      if (id !== input.inputIds[i]) expect(out.labels[i]).toBe(input.inputIds[i]);
    });
  });

  it('is a function of the generator state: same seed, same masks; the stream moves on (dynamic masking)', () => {
    const a = maskTokens(row(100), opts, new Generator(5));
    const b = maskTokens(row(100), opts, new Generator(5));
    expect(a).toEqual(b);
    const g = new Generator(5);
    const first = maskTokens(row(100), opts, g);
    const second = maskTokens(row(100), opts, g);
    expect(second.labels).not.toEqual(first.labels);
  });

  it('rejects bad options with ArgumentError naming the field', () => {
    expect(() => resolveMasking({ maskTokenId: MASK, vocabSize: VOCAB, mlmProbability: 1.5 })).toThrow(/mlmProbability/);
    expect(() => resolveMasking({ maskTokenId: VOCAB, vocabSize: VOCAB })).toThrow(ArgumentError);
    expect(() => resolveMasking({ maskTokenId: MASK, vocabSize: VOCAB, maskReplaceProb: 0.9, randomReplaceProb: 0.2 })).toThrow(/at most 1/);
    expect(() => maskTokens({ inputIds: [1, 2], attentionMask: [1] }, opts, new Generator(1))).toThrow(/attentionMask/);
  });
});

describe('whole-word masking', () => {
  // vocabulary: 0 [PAD] … ids 500+ are "##" pieces
  const vocab = { getVocabSize: () => VOCAB, idToToken: (id: number) => (id >= 500 ? `##p${id}` : `w${id}`) };
  const continuations = wordPieceContinuations(vocab);

  it('finds ## continuation tokens', () => {
    expect(continuations[499]).toBe(0);
    expect(continuations[500]).toBe(1);
    expect(wordPieceContinuations({ getVocabSize: () => 2, idToToken: (id) => (id === 0 ? '##' : '##a') })).toEqual(new Uint8Array([0, 1]));
  });

  it('groups a word with its continuations, never across special tokens', () => {
    const ids = [CLS, 200, 501, 502, 201, 202, 503, SEP, 504];
    const maskable = ids.map((id) => (id === CLS || id === SEP ? 0 : 1));
    expect(groupWords(ids, maskable, continuations)).toEqual([[1, 2, 3], [4], [5, 6], [8]]);
  });

  it('chooses whole words: a word is labelled in all its tokens or in none, ~15% of words', () => {
    const ww = resolveMasking({ maskTokenId: MASK, vocabSize: VOCAB, specialTokenIds: [PAD, CLS, SEP], wholeWordContinuations: continuations });
    const g = new Generator(42);
    let words = 0;
    let chosenWords = 0;
    for (let r = 0; r < 100; r++) {
      // words of 1–3 tokens
      const ids = [CLS];
      for (let w = 0; w < 100; w++) {
        ids.push(200 + (w % 100));
        for (let k = 0; k < w % 3; k++) ids.push(500 + k);
      }
      ids.push(SEP);
      const out = maskTokens({ inputIds: ids }, ww, g);
      const groups = groupWords(
        ids,
        ids.map((id) => (id === CLS || id === SEP ? 0 : 1)),
        continuations,
      );
      for (const word of groups) {
        const labelled = word.map((i) => out.labels[i] !== IGNORE_INDEX);
        expect(new Set(labelled).size).toBe(1);
        words++;
        if (labelled[0]) chosenWords++;
      }
    }
    expect(chosenWords / words).toBeGreaterThan(0.13);
    expect(chosenWords / words).toBeLessThan(0.17);
  });
});
