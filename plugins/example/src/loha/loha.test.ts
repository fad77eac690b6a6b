/**
 * LoHa against hand computations: the update `(w1a·w1b) ⊙ (w2a·w2b) · alpha/r` in the forward
 * pass and in a merge, PEFT's initialisation (an identity adapter, w2b zero), rank and module
 * dropout only while training, the config's fields and checks, and PEFT's names in memory and in
 * the adapter files. Everything goes through @graft/peft's public API, as a user's would.
 */
import { manualSeed, noGrad, type Tensor, tensor } from '@graft/core';
import { Linear, Module } from '@graft/nn';
import { getPeftModel, PeftConfigError, PeftTargetError, parsePeftConfig, registerPeftMethod } from '@graft/peft';
import { describe, expect, it } from 'vitest';
import { TinyTextClassifier } from '../test-model';
import { lohaConfig } from './config';
import { LoHaLinear } from './layer';
import { lohaMethod } from './method';

registerPeftMethod(lohaMethod);

const W = [
  [0.5, -1, 2],
  [1.5, 0.25, -0.5],
];
const B = [0.1, -0.2];
// r = 2 factors: w1a [2, 2], w1b [2, 3], w2a [2, 2], w2b [2, 3]
const W1A = [
  [1, 2],
  [-1, 0.5],
];
const W1B = [
  [0.5, 0, 1],
  [1, -1, 0.5],
];
const W2A = [
  [2, -1],
  [0, 1],
];
const W2B = [
  [1, 1, 0],
  [0.5, -0.5, 2],
];

const matmul = (a: number[][], b: number[][]) => a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));

/** The update by hand: (w1a·w1b) ⊙ (w2a·w2b) · alpha/r. */
function handDelta(alpha: number, r: number): number[][] {
  const p1 = matmul(W1A, W1B);
  const p2 = matmul(W2A, W2B);
  return p1.map((row, i) => row.map((v, j) => v * p2[i][j] * (alpha / r)));
}

function set(t: Tensor, values: number[][] | number[]): void {
  noGrad(() => t.assign(tensor(values)));
}

function layerWithFactors(alpha: number, opts: { rankDropout?: number; moduleDropout?: number } = {}): LoHaLinear {
  const base = new Linear(3, 2);
  set(base.weight, W);
  set(base.bias!, B);
  const layer = new LoHaLinear(base, 'default', {
    r: 2,
    alpha,
    rankDropout: opts.rankDropout ?? 0,
    moduleDropout: opts.moduleDropout ?? 0,
    initWeights: true,
    init: true,
    generator: undefined,
  });
  set(layer.hada_w1_a.get('default')!, W1A);
  set(layer.hada_w1_b.get('default')!, W1B);
  set(layer.hada_w2_a.get('default')!, W2A);
  set(layer.hada_w2_b.get('default')!, W2B);
  layer.setActiveAdapters(['default']);
  return layer;
}

const X = [
  [1, 2, -1],
  [0.5, 0, 3],
];
const linearOf = (w: number[][], b: number[]) => X.map((x) => w.map((row, j) => row.reduce((s, v, k) => s + v * x[k], b[j])));

describe('LoHa on a Linear', () => {
  it('adds x·ΔWᵀ with ΔW = (w1a·w1b) ⊙ (w2a·w2b) · alpha/r', () => {
    const layer = layerWithFactors(6);
    layer.eval();
    const delta = handDelta(6, 2);
    expect(layer.deltaWeight('default').arraySync()).toEqual(delta);
    const want = linearOf(
      W.map((row, i) => row.map((v, j) => v + delta[i][j])),
      B,
    );
    const got = (layer.call(tensor(X)) as Tensor).arraySync() as number[][];
    got.flat().forEach((v, i) => expect(v).toBeCloseTo(want.flat()[i], 5));
  });

  it('merges ΔW into the weight (bias untouched) and unmerges it again', () => {
    const layer = layerWithFactors(4);
    layer.eval();
    const before = (layer.call(tensor(X)) as Tensor).arraySync() as number[][];
    layer.merge();
    const delta = handDelta(4, 2);
    (layer.base_layer.weight.arraySync() as number[][]).flat().forEach((v, i) => expect(v).toBeCloseTo(W.flat()[i] + delta.flat()[i], 5));
    expect(layer.base_layer.bias!.arraySync()).toEqual(Array.from(new Float32Array(B)));
    ((layer.call(tensor(X)) as Tensor).arraySync() as number[][]).flat().forEach((v, i) => expect(v).toBeCloseTo(before.flat()[i], 5));
    layer.unmerge();
    (layer.base_layer.weight.arraySync() as number[][]).flat().forEach((v, i) => expect(v).toBeCloseTo(W.flat()[i], 6));
  });

  it('starts as the identity with PEFT’s initialisation, and not with init_weights false', () => {
    const model = new TinyTextClassifier(1);
    const peft = getPeftModel(model, { peft_type: 'LOHA', target_modules: ['proj'], r: 3 });
    const layer = peft.base_model.model.proj as unknown as LoHaLinear;
    expect(layer).toBeInstanceOf(LoHaLinear);
    expect(layer.hada_w1_a.get('default')!.shape).toEqual([10, 3]);
    expect(layer.hada_w1_b.get('default')!.shape).toEqual([3, 12]);
    expect(Array.from(layer.hada_w2_b.get('default')!.dataSync()).every((v) => v === 0)).toBe(true);
    for (const f of ['hada_w1_a', 'hada_w1_b', 'hada_w2_a'] as const) expect(Array.from(layer[f].get('default')!.dataSync()).some((v) => v !== 0)).toBe(true);
    expect(Array.from(layer.deltaWeight('default').dataSync()).every((v) => v === 0)).toBe(true);
    const random = getPeftModel(new TinyTextClassifier(1), { peft_type: 'LOHA', target_modules: ['proj'], init_weights: false });
    const w2b = (random.base_model.model.proj as unknown as LoHaLinear).hada_w2_b.get('default')!;
    expect(Array.from(w2b.dataSync()).some((v) => v !== 0)).toBe(true);
  });

  it('drops rows of ΔW while training with rank_dropout, rescaled by the kept share', () => {
    manualSeed(7);
    const layer = layerWithFactors(6, { rankDropout: 0.5 });
    const x = tensor(X);
    layer.eval();
    const full = (layer.call(x) as Tensor).arraySync() as number[][];
    const base = linearOf(W, B);
    layer.train();
    const seen = new Set<string>();
    for (let pass = 0; pass < 20; pass++) {
      const y = (layer.call(x) as Tensor).arraySync() as number[][];
      // each output feature j gets the update scaled by the same factor in every row: 0 (dropped) or 2/kept
      const factors = [0, 1].map((j) => (y[0][j] - base[0][j]) / (full[0][j] - base[0][j]));
      for (const f of factors) expect([0, 1, 2].some((c) => Math.abs(f - c) < 1e-4)).toBe(true);
      const kept = factors.filter((f) => f > 0.5);
      if (kept.length) kept.forEach((f) => expect(f).toBeCloseTo(2 / kept.length, 4));
      for (let j = 0; j < 2; j++) expect(y[1][j] - base[1][j]).toBeCloseTo(factors[j] * (full[1][j] - base[1][j]), 4);
      seen.add(factors.map((f) => Math.round(f)).join());
    }
    expect(seen.size).toBeGreaterThan(1);
  });

  it('skips the whole update for a forward pass with module_dropout, only while training', () => {
    manualSeed(3);
    const layer = layerWithFactors(6, { moduleDropout: 0.5 });
    const x = tensor(X);
    layer.eval();
    const full = ((layer.call(x) as Tensor).arraySync() as number[][]).flat();
    const base = linearOf(W, B).flat();
    layer.train();
    let skipped = 0;
    const passes = 40;
    for (let pass = 0; pass < passes; pass++) {
      const y = ((layer.call(x) as Tensor).arraySync() as number[][]).flat();
      const isBase = y.every((v, i) => Math.abs(v - base[i]) < 1e-5);
      const isFull = y.every((v, i) => Math.abs(v - full[i]) < 1e-4);
      expect(isBase || isFull).toBe(true);
      if (isBase) skipped++;
    }
    expect(skipped).toBeGreaterThan(5);
    expect(skipped).toBeLessThan(passes - 5);
  });
});

describe('LoHa config and files', () => {
  it('has PEFT’s fields and defaults, and refuses bad values by field', () => {
    expect(lohaConfig()).toMatchObject({
      peft_type: 'LOHA',
      r: 8,
      alpha: 8,
      rank_dropout: 0,
      module_dropout: 0,
      use_effective_conv2d: false,
      target_modules: null,
      init_weights: true,
      rank_pattern: {},
      alpha_pattern: {},
      modules_to_save: null,
    });
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(PeftConfigError);
        return [(e as PeftConfigError).code, (e as PeftConfigError).field];
      }
      return null;
    };
    expect(field(() => lohaConfig({ r: 0 }))).toEqual(['peft_config_invalid', 'r']);
    expect(field(() => lohaConfig({ rank_dropout: 1 }))).toEqual(['peft_config_invalid', 'rank_dropout']);
    expect(field(() => parsePeftConfig({ peft_type: 'LOHA', init_weights: 'abba' }))).toEqual(['peft_config_unsupported', 'init_weights']);
    expect(field(() => parsePeftConfig({ peft_type: 'LOHA', lora_alpha: 8 }))).toEqual(['peft_config_unknown_field', 'lora_alpha']);
    expect(field(() => lohaConfig({ target_modules: 'proj', layers_to_transform: 0 }))).toEqual(['peft_config_invalid', 'layers_to_transform']);
  });

  it('names its tensors as PEFT does, writes PEFT’s config, and adapts only Linear layers', () => {
    const peft = getPeftModel(
      new TinyTextClassifier(2),
      { peft_type: 'LOHA', target_modules: ['proj'], r: 2, alpha: 4, rank_pattern: { proj: 3 }, modules_to_save: ['classifier'] },
      { warn: () => {} },
    );
    expect([...peft.namedParameters()].filter(([, p]) => p.requiresGrad).map(([k]) => k)).toEqual([
      'base_model.model.proj.hada_w1_a.default',
      'base_model.model.proj.hada_w1_b.default',
      'base_model.model.proj.hada_w2_a.default',
      'base_model.model.proj.hada_w2_b.default',
      'base_model.model.classifier.modules_to_save.default.weight',
      'base_model.model.classifier.modules_to_save.default.bias',
    ]);
    expect((peft.base_model.model.proj as unknown as LoHaLinear).r.default).toBe(3);
    const files = peft.toAdapterFiles();
    const config = new TextDecoder().decode(files.get('adapter_config.json'));
    expect(JSON.parse(config)).toMatchObject({ peft_type: 'LOHA', r: 2, alpha: 4, rank_pattern: { proj: 3 }, target_modules: ['proj'] });
    // PEFT writes its float fields with a decimal point
    expect(config).toMatch(/"rank_dropout": 0\.0,/);
    let err: unknown;
    try {
      getPeftModel(new TinyTextClassifier(2), { peft_type: 'LOHA', target_modules: ['embed'] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PeftTargetError);
    expect((err as PeftTargetError).message).toMatch(/'embed' is a Embedding; this LoHa adapts Linear layers/);
  });

  it('uses LoRA’s default targets for known model types (PEFT’s table for LoHa)', () => {
    class Attention extends Module<[Tensor], Tensor> {
      query = new Linear(4, 4);
      key = new Linear(4, 4);
      value = new Linear(4, 4);
      forward(x: Tensor): Tensor {
        return this.query.call(x).add(this.key.call(x)).add(this.value.call(x));
      }
    }
    const model = new Attention();
    (model as unknown as { config: { model_type: string } }).config = { model_type: 'bert' };
    const peft = getPeftModel(model, { peft_type: 'LOHA' });
    const adapted = [...peft.base_model.model.namedModules()].filter(([, m]) => m instanceof LoHaLinear).map(([k]) => k);
    expect(adapted).toEqual(['query', 'value']);
  });
});
