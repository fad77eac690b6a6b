/**
 * Discriminative fine-tuning: `parameterGroups({ layerLrDecay })` gives layer i of L the rate
 * `lr · d^(L − i)`, the embeddings `lr · d^(L + 1)` and the heads (and BERT's pooler) `lr`, on
 * all three layouts; combined with gradual unfreezing the groups hold the parameters that are
 * still frozen; and in a Trainer run the rates keep their ratios under the schedule.
 */
import type { TrainerCallback } from '@graft/train';
import { describe, expect, it } from 'vitest';
import { CLASSIFIER_FIXTURES, fixtureClassifier, shortRunTrainer } from '../../../../test-utils/peft/freezing-runs';
import { applyFreezing } from './freezing';

/** The rate each parameter's group gives it, by name. */
function rateOf(model: Awaited<ReturnType<typeof fixtureClassifier>>, groups: { params: unknown[]; lr?: number }[]): Map<string, number | undefined> {
  const byParam = new Map(groups.flatMap((g) => g.params.map((p) => [p, g.lr] as const)));
  return new Map([...model.namedParameters()].filter(([, p]) => byParam.has(p)).map(([n, p]) => [n, byParam.get(p)]));
}

describe('layer-wise decayed learning rates', () => {
  it.each(CLASSIFIER_FIXTURES)('decay by layer on %s', async (fixture) => {
    const model = await fixtureClassifier(fixture);
    const freezing = applyFreezing(model, 'full');
    const rates = rateOf(model, freezing.parameterGroups({ lr: 1e-3, weightDecay: 0.01, layerLrDecay: 0.5 }));
    expect(rates.size).toBe(model.parameters().length);
    for (const [name, lr] of rates) {
      const layer = /\.layer\.(\d+)\./.exec(name);
      const want = /\.embeddings\./.test(name) ? 1e-3 * 0.5 ** 3 : layer ? 1e-3 * 0.5 ** (2 - Number(layer[1])) : 1e-3;
      expect(lr, name).toBeCloseTo(want, 15);
    }
  });

  it('holds the parameters gradual unfreezing opens later, and leaves requiresGrad as the strategy set it', async () => {
    const model = await fixtureClassifier('bert-seqcls');
    const freezing = applyFreezing(model, 'gradual', { unfreezeEvery: 1 });
    const before = model.parameters().map((p) => p.requiresGrad);
    const groups = freezing.parameterGroups({ lr: 1e-3, weightDecay: 0.01, layerLrDecay: 0.8 });
    expect(groups.flatMap((g) => g.params).length).toBe(model.parameters().length);
    expect(model.parameters().map((p) => p.requiresGrad)).toEqual(before);
    expect(before.filter(Boolean).length).toBe(2);
    // weight decay only where HF puts it
    const decayOf = new Map(groups.flatMap((g) => g.params.map((p) => [p, g.weightDecay] as const)));
    for (const [name, p] of model.namedParameters()) expect(decayOf.get(p), name).toBe(/(bias|LayerNorm\.weight)$/.test(name) ? 0 : 0.01);
  });

  it('keeps the ratios between layers under the Trainer’s schedule, and head-only groups hold only the head', async () => {
    const model = await fixtureClassifier('distilbert-seqcls');
    const freezing = applyFreezing(model, 'freeze:1');
    const groups = freezing.parameterGroups({ lr: 1e-3, weightDecay: 0.01, layerLrDecay: 0.5 });
    expect(new Set(groups.map((g) => g.lr))).toEqual(new Set([1e-3, 5e-4]));
    const seen: number[][] = [];
    const watch: TrainerCallback = { onStepEnd: (ctx) => void seen.push([...ctx.learningRates]) };
    await shortRunTrainer(model, { steps: 4, callbacks: [watch], parameterGroups: groups, args: { warmupSteps: 2 } }).train();
    const top = groups.findIndex((g) => g.lr === 1e-3);
    const layer1 = groups.findIndex((g) => g.lr === 5e-4);
    for (const lrs of seen.slice(1)) expect(lrs[layer1] / lrs[top]).toBeCloseTo(0.5, 12);
    const head = applyFreezing(await fixtureClassifier('bert-seqcls'), 'head');
    expect(head.parameterGroups({ lr: 1e-3, weightDecay: 0, layerLrDecay: 0.5 }).flatMap((g) => g.params).length).toBe(2);
  });
});
