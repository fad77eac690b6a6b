/**
 * (IA)³ against hand computations: output scaling `base(x)·l`, input scaling `base(x·l)` for the
 * feedforward modules, PEFT's defaults for BERT (key, value and both `output.dense`, the latter
 * scaled on the input), merging into weight (and bias), and PEFT's file keys (`…key.ia3_l`).
 */
import { noGrad, type Tensor, tensor } from '@graft/core';
import { fromPretrained } from '@graft/models';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../../../../test-utils/close';
import { fixtureFiles } from '../../../../test-utils/models/parity';
import { TinyNet, tinyBatch } from '../../../../test-utils/peft/tiny';
import { thrown } from '../../../../test-utils/thrown';
import { PeftTargetError } from '../errors';
import { getPeftModel } from '../peft-model';
import { IA3Linear } from './layer';

const quiet = { warn: () => {} };
const data = (t: Tensor) => Array.from(t.dataSync());
const set = (t: Tensor, values: number[]) => noGrad(() => t.assign(tensor(values, { shape: t.shape })));

describe('(IA)³', () => {
  it('scales outputs (bias included) or, for feedforward modules, inputs; merging gives the same outputs', () => {
    const model = new TinyNet(2);
    const x = tensor([[0.5, -1, 2, 0.25, 1, -0.5, 0.75, 3]]);
    const [outW, outB] = [data(model.out.weight), data(model.out.bias!)];
    const projOut = data(model.proj.call(x));
    const peft = getPeftModel(model, { peft_type: 'IA3', target_modules: ['proj', 'out'], feedforward_modules: ['out'] }, quiet);
    const proj = peft.getBaseModel().proj as unknown as IA3Linear;
    const out = peft.getBaseModel().out as unknown as IA3Linear;
    expect([proj.isFeedforward, out.isFeedforward]).toEqual([false, true]);
    expect(proj.ia3_l.get('default')!.shape).toEqual([8, 1]);
    expect(out.ia3_l.get('default')!.shape).toEqual([1, 8]);
    expect(data(proj.ia3_l.get('default')!).every((v) => v === 1)).toBe(true);
    const lp = [1, 2, 0.5, -1, 3, 0, 1.5, 0.25];
    const lo = [2, 1, 1, 0.5, -1, 1, 3, 1];
    set(proj.ia3_l.get('default')!, lp);
    set(out.ia3_l.get('default')!, lo);
    expectClose(
      data(proj.call(x) as Tensor),
      projOut.map((v, i) => v * lp[i]),
    );
    const y = data(out.call(x) as Tensor);
    const expected = [0, 1, 2, 3, 4, 5].map((j) => outB[j] + [0, 1, 2, 3, 4, 5, 6, 7].reduce((s, k) => s + outW[j * 8 + k] * data(x)[k] * lo[k], 0));
    expectClose(y, expected, { atol: 1e-5 });
    const batch = tinyBatch();
    const unmerged = data(peft.call(batch).logits);
    peft.merge();
    expectClose(data(peft.call(batch).logits), unmerged, { atol: 1e-5 });
    expectClose(
      data(out.base_layer.weight),
      outW.map((w, i) => w * lo[i % 8]),
      { atol: 1e-6 },
    );
    peft.unmerge();
    expectClose(data(out.base_layer.weight), outW, { atol: 1e-6 });
    expect(peft.base_model.adapterTensors('default').map((t) => t.fileKey.replace('base_model.model.', ''))).toEqual(['proj.ia3_l', 'out.ia3_l']);
  });

  it("uses PEFT's BERT defaults: key, value, both output.dense layers (as feedforward)", async () => {
    const peft = getPeftModel(await fromPretrained(fixtureFiles('bert-seqcls')), { peft_type: 'IA3', task_type: 'SEQ_CLS' }, quiet);
    const layers = [...peft.getBaseModel().namedModules()].filter(([, m]) => m instanceof IA3Linear) as [string, IA3Linear][];
    expect(layers.map(([k, l]) => `${k.replace('bert.encoder.layer.', '')}${l.isFeedforward ? ' (ff)' : ''}`)).toEqual(
      [0, 1].flatMap((i) => [`${i}.attention.self.key`, `${i}.attention.self.value`, `${i}.attention.output.dense (ff)`, `${i}.output.dense (ff)`]),
    );
    expect(peft.peftConfig.default).toMatchObject({ feedforward_modules: ['output.dense'], modules_to_save: ['classifier', 'score'] });
    // 2 layers × (32 + 32 + 32 + 64) vectors, plus the classifier
    expect(peft.trainableParameters().trainable).toBe(2 * 160 + 66);
    peft.dispose();
  });

  it('starts random with init_ia3_weights false, and adapts Linear layers only', () => {
    const peft = getPeftModel(new TinyNet(), { peft_type: 'IA3', target_modules: ['proj'], feedforward_modules: [], init_ia3_weights: false }, quiet);
    expect(data((peft.getBaseModel().proj as unknown as IA3Linear).ia3_l.get('default')!).some((v) => v !== 1)).toBe(true);
    const e = thrown(() => getPeftModel(new TinyNet(), { peft_type: 'IA3', target_modules: ['norm'], feedforward_modules: [] }, quiet), PeftTargetError);
    expect(e.code).toBe('peft_target_unsupported');
    expect(thrown(() => getPeftModel(new TinyNet(), { peft_type: 'IA3', target_modules: ['proj'] }, quiet), PeftTargetError).message).toMatch(
      /set feedforward_modules/,
    );
  });
});
