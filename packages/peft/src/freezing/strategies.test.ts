/**
 * Each static strategy on the fixture BERT, DistilBERT and RoBERTa: after a few AdamW steps with
 * weight decay, exactly the intended parameters changed and every other one is bit-identical,
 * and the counts (PEFT's line) add up the intended parameters. The expected sets are written
 * from the checkpoints' names, independently of the layout reader.
 */
import { describe, expect, it } from 'vitest';
import {
  CLASSIFIER_FIXTURES,
  type ClassifierFixture,
  changedSince,
  fixtureClassifier,
  shortRunTrainer,
  snapshot,
} from '../../../../test-utils/peft/freezing-runs';
import { applyFreezing } from './freezing';

/** The checkpoint's names of each part, by fixture. */
const PARTS: Record<ClassifierFixture, { head: RegExp; pooler: RegExp | null; layer: (i: number) => RegExp; embeddings: RegExp }> = {
  'bert-seqcls': {
    head: /^classifier\./,
    pooler: /^bert\.pooler\./,
    layer: (i) => new RegExp(`^bert\\.encoder\\.layer\\.${i}\\.`),
    embeddings: /^bert\.embeddings\./,
  },
  'distilbert-seqcls': {
    head: /^(pre_classifier|classifier)\./,
    pooler: null,
    layer: (i) => new RegExp(`^distilbert\\.transformer\\.layer\\.${i}\\.`),
    embeddings: /^distilbert\.embeddings\./,
  },
  'roberta-seqcls': {
    head: /^classifier\./,
    pooler: null,
    layer: (i) => new RegExp(`^roberta\\.encoder\\.layer\\.${i}\\.`),
    embeddings: /^roberta\.embeddings\./,
  },
};

/** What each strategy trains on a 2-layer model. */
function expected(fixture: ClassifierFixture, method: string): RegExp[] {
  const p = PARTS[fixture];
  const top = [p.head, ...(p.pooler ? [p.pooler] : [])];
  switch (method) {
    case 'full':
      return [/./];
    case 'head':
      return [p.head];
    case 'freeze:0':
      return [...top, p.layer(1), p.layer(0)];
    case 'freeze:1':
      return [...top, p.layer(1)];
    case 'freeze:2':
      return top;
    default:
      throw new Error(method);
  }
}

describe.each(CLASSIFIER_FIXTURES)('freezing strategies on %s', (fixture) => {
  it.each(['full', 'head', 'freeze:0', 'freeze:1', 'freeze:2'])('%s changes exactly the intended parameters in 3 steps', async (method) => {
    const model = await fixtureClassifier(fixture);
    const freezing = applyFreezing(model, method);
    const names = [...model.namedParameters()].map(([n]) => n);
    const intended = names.filter((n) => expected(fixture, method).some((r) => r.test(n)));
    expect(intended.length).toBeGreaterThan(0);
    expect(names.filter((n) => model.getParameter(n).requiresGrad)).toEqual(intended);

    const before = snapshot(model);
    const trainer = shortRunTrainer(model, { steps: 3 });
    await trainer.train();
    const changed = changedSince(model, before);
    // every intended parameter moved, and nothing else, not even by weight decay
    expect(changed).toEqual(intended);

    const sizes = new Map([...model.namedParameters()].map(([n, p]) => [n, p.size]));
    const trainable = intended.reduce((s, n) => s + sizes.get(n)!, 0);
    const all = [...sizes.values()].reduce((s, n) => s + n, 0);
    expect(freezing.counts()).toEqual({ trainable, all, percent: (100 * trainable) / all });
    const group = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    expect(freezing.summary()).toBe(
      `trainable params: ${group(trainable)} || all params: ${group(all)} || trainable%: ${((100 * trainable) / all).toFixed(4)}`,
    );
  });
});
