import { describe, expect, it } from 'vitest';
import { IGNORE_INDEX } from './masking';
import { languageModelingCollate, maskOnce } from './collate';

const opts = { maskTokenId: 4, vocabSize: 100, specialTokenIds: [0, 2, 3], padTokenId: 0 };
const rows = [
  { inputIds: [2, 10, 11, 12, 13, 14, 3], attentionMask: [1, 1, 1, 1, 1, 1, 1] },
  { inputIds: [2, 20, 21, 3], attentionMask: [1, 1, 1, 1] },
];

describe('languageModelingCollate', () => {
  it('masks, then pads ids with the pad id and labels with -100', async () => {
    const collate = languageModelingCollate({ ...opts, mlmProbability: 0.9, seed: 1 });
    const batch = collate(rows);
    expect(batch.inputIds.shape).toEqual([2, 7]);
    expect(batch.labels.shape).toEqual([2, 7]);
    const ids = Array.from(await batch.inputIds.data());
    const labels = Array.from(await batch.labels.data());
    const mask = Array.from(await batch.attentionMask.data());
    expect(mask.slice(7)).toEqual([1, 1, 1, 1, 0, 0, 0]);
    expect(ids.slice(11)).toEqual([0, 0, 0]);
    expect(labels.slice(11)).toEqual([IGNORE_INDEX, IGNORE_INDEX, IGNORE_INDEX]);
    // special tokens are never labelled
    for (const i of [0, 6, 7, 10]) expect(labels[i]).toBe(IGNORE_INDEX);
    expect(labels.some((l) => l !== IGNORE_INDEX)).toBe(true);
  });

  it('draws new masks on every call (dynamic masking) from a generator whose state it exposes', async () => {
    const collate = languageModelingCollate({ ...opts, mlmProbability: 0.5, seed: 7 });
    const first = Array.from(await collate(rows).labels.data());
    const state = collate.generator.getState();
    const second = Array.from(await collate(rows).labels.data());
    expect(second).not.toEqual(first);
    const replay = languageModelingCollate({ ...opts, mlmProbability: 0.5, seed: 123 });
    replay.generator.setState(state);
    expect(Array.from(await replay(rows).labels.data())).toEqual(second);
  });

  it('passes rows that carry labels through unmasked (a held-out set masked once)', async () => {
    const fixed = maskOnce(rows, { ...opts, mlmProbability: 0.5 }, 3);
    expect(maskOnce(rows, { ...opts, mlmProbability: 0.5 }, 3)).toEqual(fixed);
    const collate = languageModelingCollate({ ...opts, seed: 9 });
    const a = Array.from(await collate(fixed).labels.data());
    const b = Array.from(await collate(fixed).labels.data());
    expect(a).toEqual(b);
    expect(a.slice(0, 7)).toEqual(fixed[0].labels);
  });
});
