/**
 * Bottleneck (Houlsby) adapters against hand computations: `y + scaling·up(f(down(y)))` on a
 * Linear's output with each nonlinearity, the `adapters` library's three initialisations, the
 * default placements on BERT and DistilBERT (`mh_adapter`, `output_adapter`, `leave_out`), widths
 * from `reduction_factor`, stacked adapters, refusals (merging, non-Linear targets, no placement)
 * and the file keys.
 */
import { noGrad, type Tensor, tensor } from '@graft/core';
import { fromPretrained } from '@graft/models';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../../../../test-utils/close';
import { fixtureFiles } from '../../../../test-utils/models/parity';
import { TinyNet } from '../../../../test-utils/peft/tiny';
import { thrown } from '../../../../test-utils/thrown';
import { PeftAdapterError, PeftConfigError, PeftTargetError } from '../errors';
import { getPeftModel } from '../peft-model';
import { bottleneckAdapterConfig, bottleneckWidth } from './config';
import { BottleneckLayer } from './layer';

const quiet = { warn: () => {} };
const data = (t: Tensor) => Array.from(t.dataSync());
const set = (t: Tensor, values: number[]) => noGrad(() => t.assign(tensor(values, { shape: t.shape })));
const adapted = (keys: Iterable<[string, unknown]>) => [...keys].filter(([, m]) => m instanceof BottleneckLayer).map(([k]) => k);

const F: Record<string, (v: number) => number> = {
  relu: (v) => Math.max(0, v),
  tanh: Math.tanh,
  swish: (v) => v / (1 + Math.exp(-v)),
  gelu_new: (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))),
};

describe('bottleneck adapters', () => {
  for (const [name, f] of Object.entries(F)) {
    it(`compute y + scaling·up(${name}(down(y))) on the Linear's output`, () => {
      const model = new TinyNet(3);
      const x = tensor([[0.5, -1, 2, 0.25, 1, -0.5, 0.75, 3]]);
      const y = data(model.out.call(x));
      const peft = getPeftModel(
        model,
        { peft_type: 'BOTTLENECK_ADAPTER', target_modules: ['out'], reduction_factor: 3, non_linearity: name, scaling: 0.5 },
        quiet,
      );
      const layer = peft.getBaseModel().out as unknown as BottleneckLayer;
      const [down, up] = [layer.adapter_down.get('default')!, layer.adapter_up.get('default')!];
      // out has 6 outputs: 6 // 3 = 2 wide
      expect([down.weight.shape, up.weight.shape]).toEqual([
        [2, 6],
        [6, 2],
      ]);
      const [dw, db, uw, ub] = [
        [0.3, -0.2, 0.5, 0.1, -0.4, 0.2, -0.1, 0.6, 0.2, -0.3, 0.05, 0.4],
        [0.1, -0.2],
        [1, -0.5, 0.25, 0.75, -1, 0.5, 0.3, 0.2, -0.6, 1.2, 0.4, -0.8],
        [0.01, 0.02, -0.03, 0.04, 0, -0.01],
      ];
      set(down.weight, dw);
      set(down.bias!, db);
      set(up.weight, uw);
      set(up.bias!, ub);
      const h = [0, 1].map((i) => f(db[i] + y.reduce((s, v, k) => s + dw[i * 6 + k] * v, 0)));
      const expected = y.map((v, j) => v + 0.5 * (ub[j] + uw[j * 2] * h[0] + uw[j * 2 + 1] * h[1]));
      expectClose(data(layer.call(x) as Tensor), expected, { atol: 1e-5 });
      peft.withAdaptersDisabled(() => expect(data(layer.call(x) as Tensor)).toEqual(y));
    });
  }

  it("starts as the adapters library's init_weights say; mam_adapter is the identity", () => {
    const stats = (how: string) => {
      const model = new TinyNet(1);
      const x = tensor([[1.5, 2, 3, 4, 5, 6, 7, 8]]);
      const base = data(model.proj.call(x));
      const peft = getPeftModel(model, { peft_type: 'BOTTLENECK_ADAPTER', target_modules: ['proj'], reduction_factor: 1, init_weights: how }, quiet);
      const layer = peft.getBaseModel().proj as unknown as BottleneckLayer;
      const [down, up] = [layer.adapter_down.get('default')!, layer.adapter_up.get('default')!];
      const biases = [...data(down.bias!), ...data(up.bias!)];
      return { down: data(down.weight), up: data(up.weight), biases, same: data(layer.call(x) as Tensor).every((v, i) => v === base[i]) };
    };
    const maxAbs = (v: number[]) => Math.max(...v.map(Math.abs));
    const houlsby = stats('houlsby');
    expect(maxAbs([...houlsby.down, ...houlsby.up])).toBeLessThanOrEqual(0.02);
    expect(houlsby.same).toBe(false);
    const bert = stats('bert');
    expect(maxAbs(bert.up)).toBeGreaterThan(0.02);
    expect(maxAbs(bert.up)).toBeLessThan(0.12);
    const mam = stats('mam_adapter');
    expect(mam.up.every((v) => v === 0)).toBe(true);
    // kaiming_uniform(a=√5) on 8 inputs: U(±1/√8)
    expect(maxAbs(mam.down)).toBeLessThanOrEqual(1 / Math.sqrt(8));
    expect(maxAbs(mam.down)).toBeGreaterThan(0.1);
    expect(mam.same).toBe(true);
    for (const s of [houlsby, bert, mam]) expect(s.biases.every((v) => v === 0)).toBe(true);
  });

  it("places Houlsby's two adapters per layer on BERT, one with output_adapter only, none in leave_out layers", async () => {
    const both = getPeftModel(await fromPretrained(fixtureFiles('bert-seqcls')), { peft_type: 'BOTTLENECK_ADAPTER', task_type: 'SEQ_CLS' }, quiet);
    expect(adapted(both.getBaseModel().namedModules())).toEqual([
      'bert.encoder.layer.0.attention.output.dense',
      'bert.encoder.layer.0.output.dense',
      'bert.encoder.layer.1.attention.output.dense',
      'bert.encoder.layer.1.output.dense',
    ]);
    expect(both.peftConfig.default).toMatchObject({ modules_to_save: ['classifier', 'score'], reduction_factor: 16 });
    // hidden 32 // 16 = 2
    expect((both.getBaseModel().getSubmodule('bert.encoder.layer.0.output.dense') as BottleneckLayer).adapter_down.get('default')!.outFeatures).toBe(2);
    expect(both.printTrainableParameters(() => {})).toMatch(/^trainable params: /);
    const one = getPeftModel(
      await fromPretrained(fixtureFiles('distilbert-seqcls')),
      { peft_type: 'BOTTLENECK_ADAPTER', mh_adapter: false, leave_out: [1] },
      quiet,
    );
    expect(adapted(one.getBaseModel().namedModules())).toEqual(['distilbert.transformer.layer.0.ffn.lin2']);
    // Houlsby's paper also trains the layer norms: modules_to_save does that
    const norms = getPeftModel(await fromPretrained(fixtureFiles('bert-seqcls')), { peft_type: 'BOTTLENECK_ADAPTER', modules_to_save: ['LayerNorm'] }, quiet);
    const trained = [...norms.namedParameters()].filter(([, p]) => p.requiresGrad).map(([k]) => k);
    expect(trained.filter((k) => k.includes('LayerNorm.modules_to_save.default.'))).toHaveLength(2 * 5);
    expect(trained.filter((k) => k.includes('.adapter_'))).toHaveLength(4 * 4);
    const mh = getPeftModel(await fromPretrained(fixtureFiles('distilbert-seqcls')), { peft_type: 'BOTTLENECK_ADAPTER', output_adapter: false }, quiet);
    expect(adapted(mh.getBaseModel().namedModules())).toEqual([
      'distilbert.transformer.layer.0.attention.out_lin',
      'distilbert.transformer.layer.1.attention.out_lin',
    ]);
  });

  it('stacks two active adapters, each on the previous output, and saves PEFT-style keys', () => {
    const model = new TinyNet(4);
    const x = tensor([[0.5, -1, 2, 0.25, 1, -0.5, 0.75, 3]]);
    const peft = getPeftModel(model, { peft_type: 'BOTTLENECK_ADAPTER', target_modules: ['out'], reduction_factor: 2, init_weights: 'bert' }, quiet);
    peft.addAdapter('second', { peft_type: 'BOTTLENECK_ADAPTER', target_modules: ['out'], reduction_factor: 3, non_linearity: 'relu' });
    const layer = peft.getBaseModel().out as unknown as BottleneckLayer;
    const step = (name: string, f: (v: number) => number, h: number[]) => {
      const [d, u] = [layer.adapter_down.get(name)!, layer.adapter_up.get(name)!];
      const [dw, db, uw, ub] = [data(d.weight), data(d.bias!), data(u.weight), data(u.bias!)];
      const mid = db.map((b, i) => f(b + h.reduce((s, v, k) => s + dw[i * h.length + k] * v, 0)));
      return h.map((v, j) => v + ub[j] + mid.reduce((s, m, i) => s + uw[j * mid.length + i] * m, 0));
    };
    set(layer.adapter_up.get('second')!.weight, [0.2, -0.1, 0.4, 0.3, -0.5, 0.1, 0.6, 0.2, -0.3, 0.1, 0.05, 0.7]);
    const y = data(layer.base_layer.call(x));
    peft.setAdapter(['default', 'second']);
    expectClose(data(layer.call(x) as Tensor), step('second', F.relu, step('default', F.swish, y)), { atol: 1e-5 });
    expect(peft.base_model.adapterTensors('second').map((t) => t.fileKey)).toEqual([
      'base_model.model.out.adapter_down.weight',
      'base_model.model.out.adapter_down.bias',
      'base_model.model.out.adapter_up.weight',
      'base_model.model.out.adapter_up.bias',
    ]);
    expect(thrown(() => peft.merge(), PeftAdapterError).code).toBe('peft_merge_unsupported');
  });

  it('refuses non-Linear targets, a model without placements, no placement at all, and bad fields', () => {
    expect(thrown(() => getPeftModel(new TinyNet(1), { peft_type: 'BOTTLENECK_ADAPTER', target_modules: ['norm'] }, quiet), PeftTargetError).code).toBe(
      'peft_target_unsupported',
    );
    expect(thrown(() => getPeftModel(new TinyNet(1), { peft_type: 'BOTTLENECK_ADAPTER' }, quiet), PeftTargetError).code).toBe('peft_target_unspecified');
    const none = thrown(() => bottleneckAdapterConfig({ mh_adapter: false, output_adapter: false }), PeftConfigError);
    expect([none.code, none.field]).toEqual(['peft_config_invalid', 'output_adapter']);
    for (const bad of [{ reduction_factor: 0 }, { init_weights: 'xavier' }, { dropout: 1 }, { leave_out: [-1] }, { non_linearity: 'softmax' }]) {
      expect(thrown(() => bottleneckAdapterConfig(bad as never), PeftConfigError).field).toBe(Object.keys(bad)[0]);
    }
    expect(bottleneckWidth(bottleneckAdapterConfig({ reduction_factor: 64 }), 32)).toBe(1);
    expect(bottleneckWidth(bottleneckAdapterConfig({ reduction_factor: 1.5 }), 32)).toBe(21);
  });
});
