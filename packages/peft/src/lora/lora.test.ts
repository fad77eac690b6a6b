/**
 * LoRA's arithmetic against hand computations: the three initialisations, `alpha/r` and rsLoRA's
 * `alpha/√r`, Linear and Embedding updates, DoRA's magnitude and direction, `lora_bias`, the
 * `bias` modes and what they save, and dropout on the adapter input only while training.
 */
import { Generator, noGrad, scope, type Tensor, tensor } from '@graft/core';
import { Linear, Module } from '@graft/nn';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../../../../test-utils/close';
import { TinyNet, tinyBatch } from '../../../../test-utils/peft/tiny';
import { thrown } from '../../../../test-utils/thrown';
import { PeftTargetError } from '../errors';
import type { LoraConfig } from './config';
import { getPeftModel } from '../peft-model';
import type { LoraEmbedding } from './embedding';
import type { LoraLinear } from './linear';

const quiet = { warn: () => {} };
const data = (t: Tensor) => Array.from(t.dataSync());
const set = (t: Tensor, values: number[]) => noGrad(() => t.assign(tensor(values, { shape: t.shape })));

/** Deterministic values for a tensor of `n` elements. */
const ramp = (n: number, scale = 0.1) => Array.from({ length: n }, (_, i) => scale * Math.sin(i + 1));

/** `x·Wᵀ` for row-major `x` [n, k] and `w` [m, k]. */
function matmulT(x: number[], n: number, w: number[], m: number): number[] {
  const k = x.length / n;
  return Array.from({ length: n * m }, (_, idx) => {
    const [i, j] = [Math.floor(idx / m), idx % m];
    let s = 0;
    for (let t = 0; t < k; t++) s += x[i * k + t] * w[j * k + t];
    return s;
  });
}

class One extends Module {
  fc: Linear;
  constructor(inF = 4, outF = 3, bias = true) {
    super();
    this.fc = new Linear(inF, outF, { bias, generator: new Generator(1) });
  }
  forward(x: Tensor) {
    return this.fc.call(x);
  }
}

describe('LoRA on a Linear', () => {
  it('init true: Kaiming-uniform A (bound 1/√in), zero B, so it starts as the base model', () => {
    const base = new One(64, 8);
    const x = tensor(ramp(5 * 64), { shape: [5, 64] });
    const before = data(base.call(x));
    const peft = getPeftModel(base, { peft_type: 'LORA', r: 16, target_modules: ['fc'] }, quiet);
    const layer = peft.getBaseModel().fc as unknown as LoraLinear;
    const a = data(layer.lora_A.get('default')!.weight);
    expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(1 / 8);
    expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(0.1);
    expect(data(layer.lora_B.get('default')!.weight).every((v) => v === 0)).toBe(true);
    expect(data(peft.call(x))).toEqual(before);
  });

  it("init 'gaussian': A ~ N(0, 1/r); init false: both random, so the model changes", () => {
    const peft = getPeftModel(new One(64, 8), { peft_type: 'LORA', r: 16, target_modules: ['fc'], init_lora_weights: 'gaussian' }, quiet);
    const a = data((peft.getBaseModel().fc as unknown as LoraLinear).lora_A.get('default')!.weight);
    const std = Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
    expect(std).toBeGreaterThan(0.8 / 16);
    expect(std).toBeLessThan(1.2 / 16);
    const base = new One(64, 8);
    const x = tensor(ramp(2 * 64), { shape: [2, 64] });
    const before = data(base.call(x));
    const random = getPeftModel(base, { peft_type: 'LORA', r: 4, target_modules: ['fc'], init_lora_weights: false }, quiet);
    expect(data((random.getBaseModel().fc as unknown as LoraLinear).lora_B.get('default')!.weight).some((v) => v !== 0)).toBe(true);
    expect(data(random.call(x))).not.toEqual(before);
  });

  for (const rslora of [false, true]) {
    it(`computes base(x) + s·x·Aᵀ·Bᵀ with s = ${rslora ? 'alpha/√r' : 'alpha/r'}`, () => {
      const base = new One();
      const [W, bias] = [data(base.fc.weight), data(base.fc.bias!)];
      const peft = getPeftModel(base, { peft_type: 'LORA', r: 2, lora_alpha: 6, use_rslora: rslora, target_modules: ['fc'] }, quiet);
      const layer = peft.getBaseModel().fc as unknown as LoraLinear;
      const s = rslora ? 6 / Math.sqrt(2) : 3;
      expect(layer.scaling.default).toBeCloseTo(s, 12);
      const [A, B] = [ramp(8), ramp(6, 0.3)];
      set(layer.lora_A.get('default')!.weight, A);
      set(layer.lora_B.get('default')!.weight, B);
      const x = ramp(8, 1);
      const xa = matmulT(x, 2, A, 2);
      const expected = matmulT(x, 2, W, 3).map((v, i) => v + bias[i % 3] + s * matmulT(xa, 2, B, 3)[i]);
      expectClose(data(peft.call(tensor(x, { shape: [2, 4] }))), expected, { atol: 1e-5 });
    });
  }

  it('lora_bias: a trainable bias on B that merging adds to the base bias; refused on a Linear without bias', () => {
    const peft = getPeftModel(new One(), { peft_type: 'LORA', r: 2, target_modules: ['fc'], lora_bias: true }, quiet);
    const layer = peft.getBaseModel().fc as unknown as LoraLinear;
    const bias = layer.lora_B.get('default')!.bias!;
    expect(data(bias).every((v) => v === 0)).toBe(true);
    expect(bias.requiresGrad).toBe(true);
    set(bias, [1, 2, 3]);
    const before = data(layer.base_layer.bias!);
    peft.merge();
    expectClose(
      data(layer.base_layer.bias!),
      before.map((v, i) => v + (8 / 2) * (i + 1)),
    );
    expect(peft.base_model.adapterTensors('default').map((t) => t.fileKey.replace('base_model.model.', ''))).toEqual([
      'fc.lora_A.weight',
      'fc.lora_B.weight',
      'fc.lora_B.bias',
    ]);
    expect(thrown(() => getPeftModel(new One(4, 3, false), { peft_type: 'LORA', target_modules: ['fc'], lora_bias: true }, quiet), PeftTargetError).code).toBe(
      'peft_target_unsupported',
    );
  });

  it("resets fan_in_fan_out on a Linear (which stores (out, in)) with PEFT's warning", () => {
    const warnings: string[] = [];
    const peft = getPeftModel(new One(), { peft_type: 'LORA', r: 2, target_modules: ['fc'], fan_in_fan_out: true }, { warn: (m) => warnings.push(m) });
    expect(warnings).toEqual(['fan_in_fan_out is set to True but the target module is `torch.nn.Linear`. Setting fan_in_fan_out to False.']);
    expect((peft.peftConfig.default as LoraConfig).fan_in_fan_out).toBe(false);
  });

  it('dropout acts on the adapter input in training only', () => {
    const peft = getPeftModel(new One(), { peft_type: 'LORA', r: 2, target_modules: ['fc'], lora_dropout: 0.5, init_lora_weights: false }, quiet);
    const x = tensor(ramp(40, 1), { shape: [10, 4] });
    peft.eval();
    expect(data(peft.call(x))).toEqual(data(peft.call(x)));
    peft.train();
    expect(data(peft.call(x))).not.toEqual(data(peft.call(x)));
  });
});

describe('DoRA', () => {
  it('starts as the base layer with magnitude ‖W‖ per row, and computes m·(W + sBA)/‖W + sBA‖', () => {
    const base = new One();
    const x = tensor(ramp(8, 1), { shape: [2, 4] });
    const before = data(base.call(x));
    const [W, bias] = [data(base.fc.weight), data(base.fc.bias!)];
    const peft = getPeftModel(base, { peft_type: 'LORA', r: 2, lora_alpha: 2, use_dora: true, target_modules: ['fc'] }, quiet);
    const layer = peft.getBaseModel().fc as unknown as LoraLinear;
    const m = layer.lora_magnitude_vector.get('default')!.weight;
    const rows = [0, 1, 2].map((r) => Math.hypot(...W.slice(4 * r, 4 * r + 4)));
    expectClose(data(m), rows);
    expectClose(data(peft.call(x)), before, { atol: 1e-6 });
    const [A, B, M] = [ramp(8), ramp(6, 0.5), [0.5, 1.5, 2]];
    set(layer.lora_A.get('default')!.weight, A);
    set(layer.lora_B.get('default')!.weight, B);
    set(m, M);
    // W' = m · (W + s·BA) / ‖W + s·BA‖ (row norms), s = 1
    const BA = Array.from({ length: 12 }, (_, idx) => {
      const [i, j] = [Math.floor(idx / 4), idx % 4];
      return B[i * 2] * A[j] + B[i * 2 + 1] * A[4 + j];
    });
    const V = W.map((w, i) => w + BA[i]);
    const norms = [0, 1, 2].map((r) => Math.hypot(...V.slice(4 * r, 4 * r + 4)));
    const Wd = V.map((v, i) => (M[Math.floor(i / 4)] * v) / norms[Math.floor(i / 4)]);
    const expected = matmulT(data(x), 2, Wd, 3).map((v, i) => v + bias[i % 3]);
    expectClose(data(peft.call(x)), expected, { atol: 1e-5 });
    // the magnitude learns; merging gives the same outputs and unmerging the same weights
    const loss = scope(() => peft.call(x).sum());
    loss.backward();
    expect(data(m.grad!).some((v) => v !== 0)).toBe(true);
    const unmerged = data(peft.call(x));
    peft.merge();
    expectClose(data(peft.call(x)), unmerged, { atol: 1e-5 });
    peft.unmerge();
    expectClose(data(layer.base_layer.weight), W, { atol: 1e-6 });
    expect(peft.base_model.adapterTensors('default').map((t) => t.fileKey.replace('base_model.model.', ''))).toEqual([
      'fc.lora_A.weight',
      'fc.lora_B.weight',
      'fc.lora_magnitude_vector',
    ]);
  });
});

describe('LoRA on an Embedding', () => {
  it('adds s·(A[:, ids])ᵀ·Bᵀ, starts at zero (A = 0), and merges into the table', () => {
    const model = new TinyNet(3);
    const { ids } = tinyBatch();
    const W = data(model.embed.weight);
    const peft = getPeftModel(model, { peft_type: 'LORA', r: 2, lora_alpha: 4, target_modules: ['embed'] }, quiet);
    const layer = peft.getBaseModel().embed as unknown as LoraEmbedding;
    expect(layer.lora_embedding_A.get('default')!.shape).toEqual([2, 20]);
    expect(layer.lora_embedding_B.get('default')!.shape).toEqual([8, 2]);
    expect(data(layer.lora_embedding_A.get('default')!).every((v) => v === 0)).toBe(true);
    expect(data(layer.lora_embedding_B.get('default')!).some((v) => v !== 0)).toBe(true);
    const A = ramp(40);
    set(layer.lora_embedding_A.get('default')!, A);
    const B = data(layer.lora_embedding_B.get('default')!);
    const rows = data(layer.call(ids) as Tensor);
    const flat = data(ids);
    flat.forEach((id, t) => {
      for (let d = 0; d < 8; d++) {
        const lora = 2 * (A[id] * B[d * 2] + A[20 + id] * B[d * 2 + 1]);
        expect(rows[t * 8 + d]).toBeCloseTo(W[id * 8 + d] + lora, 5);
      }
    });
    expect(peft.toAdapterFiles().has('adapter_model.safetensors')).toBe(true);
    const keys = [...peft.base_model.adapterTensors('default')].map((t) => t.fileKey.replace('base_model.model.', ''));
    expect(keys).toEqual(['embed.lora_embedding_A', 'embed.lora_embedding_B']);
    const merged = peft.mergeAndUnload();
    expectClose(data(merged.embed.call(ids)), rows, { atol: 1e-6 });
  });

  it('with DoRA: starts as the base table, scales each feature by m/‖Wᵀ + sBA‖, and merges exactly that', () => {
    const model = new TinyNet(3);
    const { ids } = tinyBatch();
    const W = data(model.embed.weight);
    const base = data(model.embed.call(ids));
    const peft = getPeftModel(model, { peft_type: 'LORA', r: 2, lora_alpha: 2, use_dora: true, target_modules: ['embed'] }, quiet);
    const layer = peft.getBaseModel().embed as unknown as LoraEmbedding;
    const m = layer.lora_magnitude_vector.get('default')!.weight;
    expect(m.shape).toEqual([8]);
    expectClose(
      data(m),
      [0, 1, 2, 3, 4, 5, 6, 7].map((d) => Math.hypot(...Array.from({ length: 20 }, (_, v) => W[v * 8 + d]))),
    );
    expectClose(data(layer.call(ids) as Tensor), base, { atol: 1e-6 });
    set(layer.lora_embedding_A.get('default')!, ramp(40));
    set(
      m,
      ramp(8, 2).map((v) => 1 + Math.abs(v)),
    );
    const B = data(layer.lora_embedding_B.get('default')!);
    const A = ramp(40);
    const V = W.map((w, i) => w + A[Math.floor(i / 8)] * B[(i % 8) * 2] + A[20 + Math.floor(i / 8)] * B[(i % 8) * 2 + 1]);
    const norms = [0, 1, 2, 3, 4, 5, 6, 7].map((d) => Math.hypot(...Array.from({ length: 20 }, (_, v) => V[v * 8 + d])));
    const M = data(m);
    const expected = data(ids).flatMap((id) => [0, 1, 2, 3, 4, 5, 6, 7].map((d) => (M[d] * V[id * 8 + d]) / norms[d]));
    const adapted = data(layer.call(ids) as Tensor);
    expectClose(adapted, expected, { atol: 1e-5 });
    peft.merge();
    expectClose(data(layer.call(ids) as Tensor), adapted, { atol: 1e-5 });
    peft.unmerge();
    expectClose(data(layer.base_layer.weight), W, { atol: 1e-6 });
  });

  it('gives the padding row no gradient through A', () => {
    const peft = getPeftModel(new TinyNet(3), { peft_type: 'LORA', r: 2, target_modules: ['embed'] }, quiet);
    const layer = peft.getBaseModel().embed as unknown as LoraEmbedding;
    set(layer.lora_embedding_A.get('default')!, ramp(40));
    scope(() => peft.call(tinyBatch()).loss!.backward());
    const g = data(layer.lora_embedding_A.get('default')!.grad!);
    expect([g[0], g[20]]).toEqual([0, 0]);
    expect(g[1]).not.toBe(0);
  });
});

describe('bias modes', () => {
  it("'all' trains and saves every base bias; 'lora_only' the adapted layers' own", () => {
    const all = getPeftModel(new TinyNet(), { peft_type: 'LORA', r: 2, target_modules: ['proj'], bias: 'all' }, quiet);
    const trainableAll = [...all.namedParameters()].filter(([, p]) => p.requiresGrad).map(([k]) => k.replace('base_model.model.', ''));
    expect(trainableAll.sort()).toEqual([
      'classifier.bias',
      'norm.bias',
      'out.bias',
      'proj.base_layer.bias',
      'proj.lora_A.default.weight',
      'proj.lora_B.default.weight',
    ]);
    const saved = [...all.base_model.adapterTensors('default')].map((t) => t.fileKey.replace('base_model.model.', '')).sort();
    expect(saved).toEqual(['classifier.bias', 'norm.bias', 'out.bias', 'proj.base_layer.bias', 'proj.lora_A.weight', 'proj.lora_B.weight']);
    const only = getPeftModel(new TinyNet(), { peft_type: 'LORA', r: 2, target_modules: ['proj'], bias: 'lora_only' }, quiet);
    expect(
      [...only.namedParameters()]
        .filter(([, p]) => p.requiresGrad)
        .map(([k]) => k)
        .sort(),
    ).toEqual(['base_model.model.proj.base_layer.bias', 'base_model.model.proj.lora_A.default.weight', 'base_model.model.proj.lora_B.default.weight']);
  });
});
