/**
 * Which modules an adapter goes into, with PEFT's rules: names and dotted suffixes, whole-path
 * regular expressions, `all-linear`, `exclude_modules`, `modules_to_save`, `layers_to_transform`,
 * rank/alpha patterns, and the task defaults on the three encoder families (for sequence
 * classification the classifier is trained in full and a pooler that is not listed stays frozen).
 */
import { fromPretrained } from '@graft/models';
import type { AnyModule } from '@graft/nn';
import { Linear, Module } from '@graft/nn';
import { describe, expect, it } from 'vitest';
import { fixtureFiles, type ModelFixture } from '../../../../test-utils/models/parity';
import { thrown } from '../../../../test-utils/thrown';
import { PeftTargetError } from '../errors';
import type { LoraConfig } from '../lora/config';
import { LoraLayer } from '../lora/layer';
import { getPeftModel, type PeftConfigInput } from '../peft-model';
import { ModulesToSaveWrapper } from './modules-to-save';
import { layerIndex, matchTarget, patternFor } from './targets';

const quiet = { warn: () => {} };
const load = (f: ModelFixture) => fromPretrained(fixtureFiles(f));

function adapted(root: AnyModule): string[] {
  return [...root.namedModules()].filter(([, m]) => m instanceof LoraLayer).map(([k]) => k);
}
function wrapped(root: AnyModule): string[] {
  return [...root.namedModules()].filter(([, m]) => m instanceof ModulesToSaveWrapper).map(([k]) => k);
}
function trainable(root: AnyModule): string[] {
  return [...root.namedParameters()].filter(([, p]) => p.requiresGrad).map(([k]) => k);
}

describe('target matching rules', () => {
  const key = 'bert.encoder.layer.3.attention.self.query';
  it('names match whole paths or dotted suffixes; a string is a whole-path regular expression', () => {
    expect(matchTarget({ target_modules: ['query'] }, key)).toBe('match');
    expect(matchTarget({ target_modules: ['self.query'] }, key)).toBe('match');
    expect(matchTarget({ target_modules: [key] }, key)).toBe('match');
    expect(matchTarget({ target_modules: ['uery'] }, key)).toBe('unmatched');
    expect(matchTarget({ target_modules: '.*\\.(query|value)' }, key)).toBe('match');
    expect(matchTarget({ target_modules: 'query' }, key)).toBe('unmatched');
    expect(matchTarget({ target_modules: ['query'], exclude_modules: ['layer.3.attention.self.query'] }, key)).toBe('excluded');
    expect(matchTarget({ target_modules: ['query'], exclude_modules: '.*layer\\.3.*' }, key)).toBe('excluded');
    expect(matchTarget({ target_modules: ['query'], modules_to_save: ['attention'] }, key)).toBe('excluded');
    expect(matchTarget({ target_modules: ['query'], modules_to_save: ['atten'] }, key)).toBe('match');
  });

  it('layers_to_transform reads the first layer index (after layers_pattern when given)', () => {
    expect(layerIndex(key, null)).toBe(3);
    expect(layerIndex('model.layers.1.experts.0.w1', null)).toBe(1);
    expect(layerIndex(key, 'layer')).toBe(3);
    expect(layerIndex(key, ['blocks', 'layer'])).toBe(3);
    expect(layerIndex(key, 'blocks')).toBe(null);
    expect(matchTarget({ target_modules: ['query'], layers_to_transform: [1, 3] }, key)).toBe('match');
    expect(matchTarget({ target_modules: ['query'], layers_to_transform: 2 }, key)).toBe('unmatched');
    // as in PEFT, an exact name bypasses layers_to_transform
    expect(matchTarget({ target_modules: [key], layers_to_transform: 2 }, key)).toBe('match');
  });

  it('rank and alpha patterns match a dotted suffix as a regular expression, first match wins', () => {
    expect(patternFor({ 'layer.3.attention.self.query': 1, query: 2 }, key)).toBe('layer.3.attention.self.query');
    expect(patternFor({ query: 2 }, key)).toBe('query');
    expect(patternFor({ 'layer\\.[0-3]\\..*query': 2 }, key)).toBe('layer\\.[0-3]\\..*query');
    expect(patternFor({ uery: 2 }, key)).toBe(null);
  });
});

describe('task defaults on the encoder families', () => {
  it('BERT for sequence classification: query and value, the classifier trained in full, the pooler frozen', async () => {
    const peft = getPeftModel(await load('bert-seqcls'), { peft_type: 'LORA', task_type: 'SEQ_CLS' }, quiet);
    const model = peft.getBaseModel();
    expect(adapted(model)).toEqual([0, 1].flatMap((i) => [`bert.encoder.layer.${i}.attention.self.query`, `bert.encoder.layer.${i}.attention.self.value`]));
    expect(wrapped(model)).toEqual(['classifier']);
    expect(peft.peftConfig.default).toMatchObject({ target_modules: ['query', 'value'], modules_to_save: ['classifier', 'score'] });
    const names = trainable(peft);
    expect(names.filter((n) => !n.includes('.lora_'))).toEqual([
      'base_model.model.classifier.modules_to_save.default.weight',
      'base_model.model.classifier.modules_to_save.default.bias',
    ]);
    expect(names.some((n) => n.includes('pooler'))).toBe(false);
    expect(peft.trainableParameters()).toEqual({ trainable: 4 * (8 * 32 * 2) + 66, all: 53154, percent: (100 * 2114) / 53154 });
    peft.dispose();
  });

  it('RoBERTa: the whole classification head is the module trained in full', async () => {
    const peft = getPeftModel(await load('roberta-seqcls'), { peft_type: 'LORA', task_type: 'SEQ_CLS', r: 2 }, quiet);
    expect(wrapped(peft.getBaseModel())).toEqual(['classifier']);
    expect(trainable(peft).filter((n) => n.includes('classifier'))).toEqual(
      ['dense.weight', 'dense.bias', 'out_proj.weight', 'out_proj.bias'].map((k) => `base_model.model.classifier.modules_to_save.default.${k}`),
    );
    peft.dispose();
  });

  it("DistilBERT: q_lin and v_lin (PEFT has no default there); PEFT's plain suffix rule wraps pre_classifier with classifier", async () => {
    const peft = getPeftModel(await load('distilbert-seqcls'), { peft_type: 'LORA', task_type: 'SEQ_CLS' }, quiet);
    const model = peft.getBaseModel();
    expect(adapted(model)).toEqual(
      [0, 1].flatMap((i) => [`distilbert.transformer.layer.${i}.attention.q_lin`, `distilbert.transformer.layer.${i}.attention.v_lin`]),
    );
    expect(wrapped(model)).toEqual(['pre_classifier', 'classifier']);
    peft.dispose();
  });

  it('all-linear: every Linear but the output layer', async () => {
    const cls = getPeftModel(await load('bert-seqcls'), { peft_type: 'LORA', task_type: 'SEQ_CLS', target_modules: 'all-linear' }, quiet);
    const names = adapted(cls.getBaseModel());
    expect(names).toHaveLength(2 * 6 + 1);
    expect(names).toContain('bert.pooler.dense');
    expect(names).not.toContain('classifier');
    expect((cls.peftConfig.default as LoraConfig).target_modules).toHaveLength(13);
    cls.dispose();
    const mlm = getPeftModel(await load('bert-mlm'), { peft_type: 'LORA', target_modules: 'ALL-LINEAR' }, quiet);
    const mlmNames = adapted(mlm.getBaseModel());
    expect(mlmNames).toContain('cls.predictions.transform.dense');
    expect(mlmNames).not.toContain('cls.predictions.decoder');
    mlm.dispose();
  });

  it('exclude_modules, layers_to_transform and rank_pattern', async () => {
    const warnings: string[] = [];
    const peft = getPeftModel(
      await load('bert-seqcls'),
      {
        peft_type: 'LORA',
        target_modules: ['query', 'value', 'key'],
        exclude_modules: ['key'],
        layers_to_transform: [1],
        rank_pattern: { value: 2 },
        alpha_pattern: { 'layer\\.1\\.attention\\.self\\.query': 32 },
      },
      { warn: (m) => warnings.push(m) },
    );
    const model = peft.getBaseModel();
    expect(adapted(model)).toEqual(['bert.encoder.layer.1.attention.self.query', 'bert.encoder.layer.1.attention.self.value']);
    const q = model.getSubmodule('bert.encoder.layer.1.attention.self.query') as LoraLayer;
    const v = model.getSubmodule('bert.encoder.layer.1.attention.self.value') as LoraLayer;
    expect([q.r.default, q.lora_alpha.default, q.scaling.default]).toEqual([8, 32, 4]);
    expect([v.r.default, v.lora_alpha.default, v.scaling.default]).toEqual([2, 8, 4]);
    expect(warnings).toEqual([]);
    peft.dispose();
    getPeftModel(
      await load('bert-seqcls'),
      { peft_type: 'LORA', target_modules: ['query'], exclude_modules: ['nothing'] },
      { warn: (m) => warnings.push(m) },
    ).dispose();
    expect(warnings[0]).toMatch(/no modules were excluded/);
  });
});

describe('targets that go nowhere', () => {
  it('fails as PEFT does, with typed errors, and leaves the model unchanged', async () => {
    const model = await load('bert-seqcls');
    const keys = Object.keys(model.stateDict());
    const attempt = (config: PeftConfigInput) => thrown(() => getPeftModel(model, config, quiet), PeftTargetError);
    expect(attempt({ peft_type: 'LORA', target_modules: ['nope'] }).code).toBe('peft_target_not_found');
    // the classifier's modules_to_save copy does not turn a name found nowhere into "excluded"
    expect(attempt({ peft_type: 'LORA', task_type: 'SEQ_CLS', target_modules: ['nope'] }).code).toBe('peft_target_not_found');
    expect(attempt({ peft_type: 'LORA', task_type: 'SEQ_CLS', target_modules: ['classifier'] }).code).toBe('peft_target_excluded');
    expect(attempt({ peft_type: 'LORA', target_modules: ['query'], exclude_modules: ['query'] }).code).toBe('peft_target_excluded');
    expect(attempt({ peft_type: 'LORA', target_modules: ['query'], layers_to_transform: [7] }).message).toMatch(/layers_to_transform is \[7\]/);
    const unsupported = attempt({ peft_type: 'LORA', target_modules: ['query', 'LayerNorm'] });
    expect(unsupported.code).toBe('peft_target_unsupported');
    expect(unsupported.message).toMatch(/'bert\.embeddings\.LayerNorm' is a LayerNorm/);
    expect(Object.keys(model.stateDict())).toEqual(keys);
    expect(adapted(model)).toEqual([]);
    model.dispose();
  });

  it('asks for target_modules on a model without a known model type', () => {
    class Tiny extends Module {
      fc = new Linear(2, 2);
      forward(x: never) {
        return this.fc.call(x);
      }
    }
    const e = thrown(() => getPeftModel(new Tiny(), { peft_type: 'LORA' }, quiet), PeftTargetError);
    expect(e.code).toBe('peft_target_unspecified');
    expect(e.message).toMatch(/no config\.model_type/);
    expect(adapted(getPeftModel(new Tiny(), { peft_type: 'LORA', target_modules: ['fc'] }, quiet))).toEqual(['base_model.model.fc']);
  });
});
