/**
 * Memory: a scoped training step leaves live tensors flat (what the Trainer relies on), loading
 * and disposing a model returns every tensor, and pipelines leave nothing behind.
 */
import { memory, scope, tensor } from '@graft/core';
import { AdamW } from '@graft/nn';
import { describe, expect, it } from 'vitest';
import { assetPath } from '../../../test-utils/assets';
import { fixtureFiles, MODEL_FIXTURES } from '../../../test-utils/models/parity';
import { fromPretrained } from './auto';
import { BertForSequenceClassification } from './modeling/bert';
import { pipeline } from './node';

describe('memory', () => {
  it('a scoped training step keeps live tensors flat, and the loss falls', async () => {
    const model = await BertForSequenceClassification.fromPretrained(fixtureFiles('bert-seqcls'));
    model.train();
    const opt = new AdamW(model.parameters(), { lr: 3e-3 });
    const batch = {
      inputIds: tensor(
        [
          [5, 6, 7, 8, 0],
          [9, 10, 11, 0, 0],
        ],
        { dtype: 'int32' },
      ),
      attentionMask: tensor(
        [
          [1, 1, 1, 1, 0],
          [1, 1, 1, 0, 0],
        ],
        { dtype: 'int32' },
      ),
      labels: tensor([0, 1], { dtype: 'int32' }),
    };
    const losses: number[] = [];
    const live: number[] = [];
    for (let step = 0; step < 40; step++) {
      losses.push(
        scope(() => {
          const out = model.call(batch);
          out.loss!.backward();
          opt.step();
          opt.zeroGrad();
          return out.loss!.itemSync();
        }),
      );
      live.push(memory().tensors);
    }
    expect(new Set(live.slice(5)).size).toBe(1);
    expect(losses[39]).toBeLessThan(losses[0] * 0.5);
    model.dispose();
  });

  it('loading then disposing a model returns every tensor', async () => {
    const before = memory().tensors;
    for (const name of MODEL_FIXTURES) (await fromPretrained(fixtureFiles(name))).dispose();
    expect(memory().tensors).toBe(before);
  });

  it('pipelines leave no tensors behind', async () => {
    const fill = await pipeline('fill-mask', assetPath('models', 'bert-tiny-imdb-mlm'));
    await fill('a [MASK] film.');
    const before = memory().tensors;
    await fill(['a [MASK] film.', 'the [MASK] was long.'], { batchSize: 1 });
    expect(memory().tensors).toBe(before);
    fill.dispose();
  });
});
