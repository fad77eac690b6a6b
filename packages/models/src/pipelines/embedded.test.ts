/**
 * The embedded pretrained checkpoint (assets/models/bert-tiny-imdb-mlm) through the public API:
 * it loads into BertForMaskedLM whole and into BertForSequenceClassification with exactly the
 * pooler and classifier new (it was pretrained without a pooler), and its masked-LM head fills a
 * sentiment slot with sentiment words. The assertions hold for any checkpoint of this kind, not
 * only for these weights.
 */
import { describe, expect, it } from 'vitest';
import { assetPath } from '../../../../test-utils/assets';
import { PipelineInputError } from '../errors';
import { BertForMaskedLM, BertForSequenceClassification } from '../modeling/bert';
import { dirFiles, pipeline } from '../node';

const dir = assetPath('models', 'bert-tiny-imdb-mlm');
const SENTIMENT = new Set([
  'good',
  'bad',
  'great',
  'awful',
  'terrible',
  'excellent',
  'horrible',
  'funny',
  'boring',
  'amazing',
  'brilliant',
  'wonderful',
  'fantastic',
  'perfect',
  'entertaining',
  'disappointed',
  'disappointing',
  'hilarious',
  'beautiful',
  'stupid',
  'poor',
  'worst',
  'best',
  'superb',
  'dreadful',
]);

describe('the embedded checkpoint', () => {
  it('loads into BertForMaskedLM with nothing missing or unused', async () => {
    const model = await BertForMaskedLM.fromPretrained(dirFiles(dir));
    expect(model.loadingInfo).toEqual({ missing: [], unexpected: [], newlyInitialized: [], mismatched: [] });
    model.dispose();
  });

  it('loads into BertForSequenceClassification with exactly the pooler and classifier new', async () => {
    const model = await BertForSequenceClassification.fromPretrained(dirFiles(dir), { seed: 0 });
    expect(model.loadingInfo!.newlyInitialized).toEqual(['bert.pooler.dense.weight', 'bert.pooler.dense.bias', 'classifier.weight', 'classifier.bias']);
    expect(model.loadingInfo!.missing).toEqual(model.loadingInfo!.newlyInitialized);
    expect(model.loadingInfo!.unexpected.sort()).toEqual([
      'cls.predictions.bias',
      'cls.predictions.transform.LayerNorm.bias',
      'cls.predictions.transform.LayerNorm.weight',
      'cls.predictions.transform.dense.bias',
      'cls.predictions.transform.dense.weight',
    ]);
    model.dispose();
  });

  it('fills "this movie was absolutely [MASK]." with sentiment words', async () => {
    const fill = await pipeline('fill-mask', dir);
    const results = await fill('this movie was absolutely [MASK].', { topK: 10 });
    expect(results).toHaveLength(10);
    const words = results.map((r) => r.tokenStr);
    expect(words.filter((w) => SENTIMENT.has(w)).length, words.join(', ')).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < results.length; i++) expect(results[i].score).toBeLessThanOrEqual(results[i - 1].score);
    expect(results.reduce((s, r) => s + r.score, 0)).toBeLessThanOrEqual(1);
    expect(results[0].sequence).toBe(`this movie was absolutely ${results[0].tokenStr}.`);
    expect(fill.tokenizer.tokenToId(results[0].tokenStr)).toBe(results[0].token);
    fill.dispose();
  });

  it('gives the same answers batched (with padding) as one text at a time', async () => {
    const fill = await pipeline('fill-mask', dir);
    const texts = ['the acting was [MASK].', 'i [MASK] this film, and the ending was a complete surprise to everyone in the room.', 'a [MASK] movie.'];
    const batched = await fill(texts, { batchSize: 3, topK: 3 });
    for (let i = 0; i < texts.length; i++) {
      const single = await fill(texts[i], { topK: 3 });
      expect(batched[i].map((r) => r.token)).toEqual(single.map((r) => r.token));
      batched[i].forEach((r, j) => expect(Math.abs(r.score - single[j].score)).toBeLessThan(1e-5));
    }
    await expect(fill('no mask here')).rejects.toThrow(PipelineInputError);
    await expect(fill('[MASK] and [MASK]')).rejects.toThrow(/exactly one \[MASK\], it holds 2/);
    fill.dispose();
  });

  it('classifies text with the id2label names, batched', async () => {
    const model = await BertForSequenceClassification.fromPretrained(dirFiles(dir), { id2label: ['negative', 'positive'], seed: 1 });
    const classify = await pipeline('text-classification', dir, { model });
    const texts = ['a wonderful, moving film.', 'dull.', 'i would not watch it again, the plot made no sense at all.'];
    const best = await classify(texts, { batchSize: 2 });
    expect(best).toHaveLength(3);
    for (const r of best) expect(['negative', 'positive']).toContain(r.label);
    const all = await classify(texts, { topK: null });
    for (const [i, r] of all.entries()) {
      expect(r.map((x) => x.label).sort()).toEqual(['negative', 'positive']);
      expect(r[0].score + r[1].score).toBeCloseTo(1, 6);
      expect(r[0].score).toBeGreaterThanOrEqual(r[1].score);
      expect(r[0]).toEqual(best[i]);
      const one = await classify(texts[i]);
      expect(one[0].label).toBe(r[0].label);
      expect(Math.abs(one[0].score - r[0].score)).toBeLessThan(1e-5);
    }
    expect(classify.model.training).toBe(false);
    await expect(classify(texts, { batchSize: 0 })).rejects.toThrow(PipelineInputError);
    classify.dispose();
  });
});
