/**
 * Reading layouts: the fixture BERT, DistilBERT, RoBERTa and masked-LM models, a model wrapped
 * under a prefix, and typed errors for what the strategies cannot use (no encoder stack, two
 * stacks, more layers to freeze than there are, a head-only run without a head, bad names).
 */
import { Generator } from '@graft/core';
import { fromPretrained } from '@graft/models';
import { type AnyModule, Linear, Module } from '@graft/nn';
import { describe, expect, it } from 'vitest';
import { fixtureFiles } from '../../../../test-utils/models/parity';
import { fixtureClassifier } from '../../../../test-utils/peft/freezing-runs';
import { FreezingError } from './errors';
import { applyFreezing } from './freezing';
import { encoderLayout, layoutPartOf } from './layout';
import { parseFreezingMethod } from './method';

class NotAnEncoder extends Module<[], void> {
  proj = new Linear(4, 4, { generator: new Generator(0) });
  forward(): void {}
}

class Wrapped<M extends AnyModule> extends Module<[], void> {
  constructor(readonly inner: M) {
    super();
  }
  forward(): void {}
}

describe('encoderLayout', () => {
  it('finds embeddings, layers and heads on BERT, DistilBERT, RoBERTa and a masked-LM model', async () => {
    expect(encoderLayout(await fixtureClassifier('bert-seqcls'))).toEqual({
      base: 'bert',
      embeddings: 'bert.embeddings',
      layers: ['bert.encoder.layer.0', 'bert.encoder.layer.1'],
      heads: ['classifier'],
    });
    expect(encoderLayout(await fixtureClassifier('distilbert-seqcls'))).toMatchObject({
      base: 'distilbert',
      layers: ['distilbert.transformer.layer.0', 'distilbert.transformer.layer.1'],
      heads: ['pre_classifier', 'classifier'],
    });
    expect(encoderLayout(await fixtureClassifier('roberta-seqcls'))).toMatchObject({ base: 'roberta', heads: ['classifier'] });
    const mlm = await fromPretrained(fixtureFiles('bert-mlm'));
    expect(encoderLayout(mlm).heads).toEqual(['cls']);
    const part = layoutPartOf(encoderLayout(mlm));
    expect(part('bert.encoder.layer.1.output.dense.weight')).toEqual({ kind: 'layer', index: 1 });
    expect(part('cls.predictions.bias')).toEqual({ kind: 'head' });
  });

  it('reads a model under a prefix, and a bare encoder', async () => {
    const wrapped = new Wrapped(await fixtureClassifier('bert-seqcls'));
    expect(encoderLayout(wrapped)).toMatchObject({ base: 'inner.bert', embeddings: 'inner.bert.embeddings', heads: ['inner.classifier'] });
    expect(applyFreezing(wrapped, 'head').counts().trainable).toBe(66);
    const bare = await fromPretrained(fixtureFiles('bert-seqcls'), { task: 'base' });
    expect(encoderLayout(bare)).toMatchObject({ base: '', embeddings: 'embeddings', layers: ['encoder.layer.0', 'encoder.layer.1'], heads: [] });
    expect(() => applyFreezing(bare, 'head')).toThrow(/has no head outside its base model/);
    expect(applyFreezing(bare, 'freeze:1').stages[0].modules).toEqual(['encoder.layer.1', 'pooler']);
  });

  it('says what it looked for on an unknown layout; full fine-tuning needs none', async () => {
    const e = (() => {
      try {
        encoderLayout(new NotAnEncoder());
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(FreezingError);
    expect(e).toMatchObject({ code: 'freezing_unknown_layout' });
    expect((e as Error).message).toMatch(/NotAnEncoder has no BERT-family layout: .*encoder\.layer.*transformer\.layer.*found the modules proj/);
    for (const m of ['head', 'freeze:1', 'gradual']) expect(() => applyFreezing(new NotAnEncoder(), m)).toThrow(FreezingError);
    const full = applyFreezing(new NotAnEncoder(), 'full');
    expect(full.counts()).toEqual({ trainable: 20, all: 20, percent: 100 });
    expect(() => full.parameterGroups({ lr: 1e-3, weightDecay: 0, layerLrDecay: 0.9 })).toThrow(/no BERT-family layout/);
    expect(full.parameterGroups({ lr: 1e-3, weightDecay: 0 }).flatMap((g) => g.params).length).toBe(2);
  });

  it('refuses two stacks, too many layers to freeze and unknown names', async () => {
    class Two extends Module<[], void> {
      constructor(
        readonly a: AnyModule,
        readonly b: AnyModule,
      ) {
        super();
      }
      forward(): void {}
    }
    const two = new Two(await fixtureClassifier('bert-seqcls'), await fixtureClassifier('roberta-seqcls'));
    expect(() => encoderLayout(two)).toThrow(/holds 2 encoder stacks \(a\.bert, b\.roberta\)/);
    const model = await fixtureClassifier('bert-seqcls');
    expect(() => applyFreezing(model, 'freeze:3')).toThrow(
      /freeze:3 freezes more layers than BertForSequenceClassification has \(2\); use freeze:0 … freeze:2/,
    );
    expect(() => parseFreezingMethod('freeze:')).toThrow(/freeze:N needs N/);
    expect(() => parseFreezingMethod('freeze:-1')).toThrow(FreezingError);
    expect(() => parseFreezingMethod('frozen')).toThrow(/unknown freezing strategy 'frozen'; the strategies are full, head, freeze:N, gradual/);
    expect(() => applyFreezing(model, { kind: 'freeze', layers: 1.5 })).toThrow(/got 1.5/);
    expect(parseFreezingMethod('freeze:2')).toEqual({ kind: 'freeze', layers: 2 });
  });
});
