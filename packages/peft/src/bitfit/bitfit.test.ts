/**
 * BitFit: which biases it trains (every module's own bias, the innermost holder of a shared one,
 * never inside modules_to_save), that only those train, what its files hold (the biases under the
 * base model's own keys), and that merging writes the bias and unmerging restores it bit for bit.
 */
import { noGrad, type Tensor, tensor } from '@graft/core';
import { fromPretrained } from '@graft/models';
import { describe, expect, it } from 'vitest';
import { fixtureFiles } from '../../../../test-utils/models/parity';
import { TinyNet, tinyBatch } from '../../../../test-utils/peft/tiny';
import { thrown } from '../../../../test-utils/thrown';
import { PeftTargetError } from '../errors';
import { getPeftModel, type PeftModel } from '../peft-model';
import { BitFitLayer } from './layer';

const quiet = { warn: () => {} };
const data = (t: Tensor) => Array.from(t.dataSync());

function bitfitPaths(peft: PeftModel): string[] {
  return [...peft.getBaseModel().namedModules()].filter(([, m]) => m instanceof BitFitLayer).map(([k]) => k);
}

describe('BitFit', () => {
  it('adapts every module that holds a bias (the classifier goes to modules_to_save for SEQ_CLS)', async () => {
    const peft = getPeftModel(await fromPretrained(fixtureFiles('bert-seqcls')), { peft_type: 'BITFIT', task_type: 'SEQ_CLS' }, quiet);
    const paths = bitfitPaths(peft);
    // per layer: query, key, value, attention.output.dense + LayerNorm, intermediate.dense, output.dense + LayerNorm
    expect(paths).toHaveLength(1 + 2 * 8 + 1);
    expect(paths).toContain('bert.embeddings.LayerNorm');
    expect(paths).toContain('bert.pooler.dense');
    expect(paths).not.toContain('classifier');
    const trainable = [...peft.namedParameters()].filter(([, p]) => p.requiresGrad).map(([k]) => k);
    expect(trainable.every((k) => k.endsWith('.bitfit_bias.default') || k.includes('classifier.modules_to_save.default.'))).toBe(true);
    const files = peft.toAdapterFiles();
    const config = JSON.parse(new TextDecoder().decode(files.get('adapter_config.json')));
    expect(config).toMatchObject({
      peft_type: 'BITFIT',
      task_type: 'SEQ_CLS',
      target_modules: null,
      inference_mode: true,
      modules_to_save: ['classifier', 'score'],
    });
    const keys = peft.base_model.adapterTensors('default').map((t) => t.fileKey);
    expect(keys).toContain('base_model.model.bert.encoder.layer.0.attention.self.query.bias');
    expect(keys).toContain('base_model.model.classifier.weight');
    peft.dispose();
  });

  it("adapts an MLM head's decoder, which adds the head's shared bias", async () => {
    const peft = getPeftModel(await fromPretrained(fixtureFiles('bert-mlm')), { peft_type: 'BITFIT' }, quiet);
    const paths = bitfitPaths(peft);
    expect(paths).toContain('cls.predictions.decoder');
    expect(paths).not.toContain('cls.predictions');
    peft.dispose();
  });

  it('runs with its own bias in place; merging writes it and unmerging restores the original exactly', () => {
    const model = new TinyNet(4);
    const original = data(model.out.bias!);
    const batch = tinyBatch();
    const peft = getPeftModel(model, { peft_type: 'BITFIT', target_modules: ['out'] }, quiet);
    const layer = peft.getBaseModel().out as unknown as BitFitLayer;
    const base = data(peft.call(batch).logits);
    noGrad(() => layer.bitfit_bias.get('default')!.assign(tensor([1, 2, 3, 4, 5, 6])));
    const adapted = data(peft.call(batch).logits);
    expect(adapted).not.toEqual(base);
    expect(data(layer.baseBias)).toEqual(original);
    expect(peft.withAdaptersDisabled(() => data(peft.call(batch).logits))).toEqual(base);
    peft.merge();
    expect(data(layer.baseBias)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(data(peft.call(batch).logits)).toEqual(adapted);
    peft.unmerge();
    expect(data(layer.baseBias)).toEqual(original);
    expect(thrown(() => getPeftModel(new TinyNet(), { peft_type: 'BITFIT', target_modules: ['embed'] }, quiet), PeftTargetError).message).toMatch(
      /has no bias to train/,
    );
  });
});
