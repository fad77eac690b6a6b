/**
 * Prefix tuning end to end on the fixture models. A prefix file written by hand in PEFT's layout
 * (`prompt_embeddings` `[P, layers·2·width]`, each row layer 0's key, layer 0's value, layer 1's
 * key, …, as PEFT's `get_prompt` views it) holding the keys and values the base model computes
 * for the first P tokens of an input makes the model on the remaining L tokens compute the base
 * model's hidden states of those L tokens (BERT, DistilBERT, RoBERTa): so the file's layout, the
 * split into per-layer keys and values, the mask and the positions after the prefix are PEFT's
 * and the model's. Also: the projected prefix (its file holds the MLP's output and loads for
 * inference only), the config filled from the model, and the warnings and refusals.
 */
import { serializeSafetensors, type Tensor, tensor } from '@graft/core';
import { fromPretrained, type ModelInputs, type ModelOutput } from '@graft/models';
import type { AnyModule, Linear } from '@graft/nn';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../../../../test-utils/close';
import { fixtureFiles, type ModelFixture } from '../../../../test-utils/models/parity';
import { thrown } from '../../../../test-utils/thrown';
import { PeftConfigError } from '../errors';
import { getPeftModel, PeftModel } from '../peft-model';
import { prefixTuningConfig } from './config';
import type { PrefixEncoder } from './encoder';

const quiet = { warn: () => {} };
const data = (t: Tensor) => Array.from(t.dataSync());
type Runner = AnyModule & { call(inputs: ModelInputs): ModelOutput };

// the same sequence twice: the prefix is one for the batch, and a row's first tokens see the whole row
const P = 3;
const row = [2, 15, 27, 40, 8, 99, 3];
const ids = (from = 0) => tensor([row.slice(from), row.slice(from)], { dtype: 'int32' });
const [WIDTH, LAYERS, HEADS] = [32, 2, 4];

/** Where each family keeps layer i's key and value projections. */
const projections: Record<string, (i: number) => [string, string]> = {
  'bert-seqcls': (i) => [`bert.encoder.layer.${i}.attention.self.key`, `bert.encoder.layer.${i}.attention.self.value`],
  'roberta-seqcls': (i) => [`roberta.encoder.layer.${i}.attention.self.key`, `roberta.encoder.layer.${i}.attention.self.value`],
  'distilbert-seqcls': (i) => [`distilbert.transformer.layer.${i}.attention.k_lin`, `distilbert.transformer.layer.${i}.attention.v_lin`],
};

/** PEFT's prefix table of the first P tokens' keys and values: row t = [K₀[t], V₀[t], K₁[t], V₁[t]]. */
function prefixTable(model: Runner, fixture: string): Float32Array {
  const hidden = model.call({ inputIds: ids(), outputHiddenStates: true }).hiddenStates!;
  const table = new Float32Array(P * LAYERS * 2 * WIDTH);
  for (let i = 0; i < LAYERS; i++) {
    const [k, v] = projections[fixture](i).map((path) => data((model.getSubmodule(path) as Linear).call(hidden[i].narrow(1, 0, P))));
    for (let t = 0; t < P; t++) {
      for (const [j, src] of [k, v].entries()) table.set(src.slice(t * WIDTH, (t + 1) * WIDTH), t * LAYERS * 2 * WIDTH + (2 * i + j) * WIDTH);
    }
  }
  return table;
}

/** An adapter directory as PEFT writes it for this prefix. */
function prefixFiles(table: Float32Array): Map<string, Uint8Array> {
  const config = {
    peft_type: 'PREFIX_TUNING',
    task_type: null,
    num_virtual_tokens: P,
    token_dim: WIDTH,
    num_transformer_submodules: 1,
    num_attention_heads: HEADS,
    num_layers: LAYERS,
    encoder_hidden_size: WIDTH,
    prefix_projection: false,
    inference_mode: true,
    base_model_name_or_path: null,
    revision: null,
    modules_to_save: null,
  };
  return new Map([
    ['adapter_config.json', new TextEncoder().encode(JSON.stringify(config))],
    [
      'adapter_model.safetensors',
      serializeSafetensors([{ name: 'prompt_embeddings', dtype: 'F32', shape: [P, LAYERS * 2 * WIDTH], data: table }], { format: 'pt' }),
    ],
  ]);
}

describe('prefix tuning', () => {
  for (const fixture of ['bert-seqcls', 'distilbert-seqcls', 'roberta-seqcls'] as ModelFixture[]) {
    it(`${fixture}: a PEFT file holding P tokens' keys and values makes L tokens compute the last L of P + L`, async () => {
      const model = (await fromPretrained(fixtureFiles(fixture))) as unknown as Runner;
      model.eval();
      const full = model.call({ inputIds: ids(), attentionMask: tensor([row.map(() => 1), row.map(() => 1)], { dtype: 'int32' }) });
      const expected = data(full.lastHiddenState!.narrow(1, P, row.length - P));
      const peft = (await PeftModel.fromPretrained(model, prefixFiles(prefixTable(model, fixture)))) as unknown as PeftModel & Runner;
      const rest = ids(P);
      const withMask = peft.call({
        inputIds: rest,
        attentionMask: tensor(
          [
            [1, 1, 1, 1],
            [1, 1, 1, 1],
          ],
          { dtype: 'int32' },
        ),
      });
      expectClose(data(withMask.lastHiddenState!), expected, { atol: 1e-5 });
      // no mask: every position attends, the prefix included
      expectClose(data(peft.call({ inputIds: rest }).lastHiddenState!), expected, { atol: 1e-5 });
      expect(peft.withAdaptersDisabled(() => data(peft.call({ inputIds: rest }).lastHiddenState!))).not.toEqual(expected);
      peft.dispose();
    });
  }

  it('fills the config from the model and saves the prefix as PEFT does (`[P, layers·2·width]`, the classifier under base_model.)', async () => {
    const peft = getPeftModel(
      await fromPretrained(fixtureFiles('distilbert-seqcls')),
      prefixTuningConfig({ task_type: 'SEQ_CLS', num_virtual_tokens: 4 }),
      quiet,
    );
    expect(peft.peftConfig.default).toMatchObject({
      token_dim: 32,
      num_layers: 2,
      num_attention_heads: 4,
      encoder_hidden_size: 32,
      num_transformer_submodules: 1,
    });
    expect(
      peft.base_model
        .adapterTensors('default')
        .map((t) => [t.fileKey, t.tensor.shape])
        .sort(),
    ).toEqual([
      ['base_model.classifier.bias', [2]],
      ['base_model.classifier.weight', [2, 32]],
      ['base_model.pre_classifier.bias', [32]],
      ['base_model.pre_classifier.weight', [32, 32]],
      ['prompt_embeddings', [4, 128]],
    ]);
    // 4·128 prefix + the classifier's 66 + pre_classifier's 1,056 (PEFT's suffix match on 'classifier' takes it too)
    expect(peft.printTrainableParameters(() => {})).toMatch(/^trainable params: 1,634 \|\|/);
    peft.dispose();
  });

  it('with prefix_projection the prefix is the MLP of a per-token table; the file holds its output, which loads for inference only', async () => {
    const model = (await fromPretrained(fixtureFiles('bert-seqcls'))) as unknown as Runner;
    const config = { peft_type: 'PREFIX_TUNING', num_virtual_tokens: 2, prefix_projection: true, encoder_hidden_size: 8 };
    const peft = getPeftModel(model, config, quiet) as unknown as PeftModel & Runner;
    const encoder = peft.base_model.prompt_encoder!.get('default') as PrefixEncoder;
    expect([encoder.embedding.weight.shape, ...encoder.transform!.parameters().map((p) => p.shape)]).toEqual([[2, 32], [8, 32], [8], [128, 8], [128]]);
    // PEFT's in-memory names (its Sequential numbers the tanh too)
    expect([...encoder.namedParameters()].map(([k]) => k)).toEqual([
      'embedding.weight',
      'transform.0.weight',
      'transform.0.bias',
      'transform.2.weight',
      'transform.2.bias',
    ]);
    const [w1, b1, w2, b2] = encoder.transform!.parameters().map(data);
    const e = data(encoder.embedding.weight);
    const mlp = [0, 1].flatMap((t) => {
      const h = Array.from({ length: 8 }, (_, j) => Math.tanh(b1[j] + e.slice(t * 32, t * 32 + 32).reduce((s, v, k) => s + w1[j * 32 + k] * v, 0)));
      return Array.from({ length: 128 }, (_, o) => b2[o] + h.reduce((s, v, j) => s + w2[o * 8 + j] * v, 0));
    });
    expectClose(data(encoder.prefix()), mlp, { atol: 1e-5 });
    const files = peft.toAdapterFiles();
    const loaded = (await PeftModel.fromPretrained(await fromPretrained(fixtureFiles('bert-seqcls')), files)) as unknown as PeftModel & Runner;
    expect((loaded.base_model.prompt_encoder!.get('default') as PrefixEncoder).transform).toBeNull();
    expectClose(data((loaded.base_model.prompt_encoder!.get('default') as PrefixEncoder).prefix()), mlp, { atol: 1e-5 });
    expect(data(loaded.call({ inputIds: ids() }).logits)).toEqual(data(peft.call({ inputIds: ids() }).logits));
    const again = thrown(() => getPeftModel(model, config, { ...quiet, init: false }), PeftConfigError);
    await expect(PeftModel.fromPretrained(await fromPretrained(fixtureFiles('bert-seqcls')), files, { isTrainable: true })).rejects.toThrow(
      /loads for inference only/,
    );
    expect([again.code, again.field]).toEqual(['peft_config_unsupported', 'prefix_projection']);
    peft.dispose();
    loaded.dispose();
  });

  it('warns for a model type whose model may not read pastKeyValues; refuses a width the heads do not divide and a missing length', async () => {
    const warnings: string[] = [];
    const model = await fromPretrained(fixtureFiles('bert-seqcls'));
    (model.config as { model_type: string }).model_type = 'gpt2';
    getPeftModel(model, { peft_type: 'PREFIX_TUNING', num_virtual_tokens: 2 }, { warn: (m) => warnings.push(m) }).dispose();
    expect(warnings).toEqual([expect.stringMatching(/model_type "gpt2" is not one whose Graft model reads pastKeyValues/)]);
    const odd = thrown(() => getPeftModel(model, { peft_type: 'PREFIX_TUNING', num_virtual_tokens: 2, num_attention_heads: 5 }, quiet), PeftConfigError);
    expect([odd.field, odd.message]).toEqual(['token_dim', expect.stringMatching(/32 is not a multiple of num_attention_heads 5/)]);
    expect(thrown(() => prefixTuningConfig({}), PeftConfigError).field).toBe('num_virtual_tokens');
    expect(thrown(() => prefixTuningConfig({ num_virtual_tokens: 2, num_transformer_submodules: 2 }), PeftConfigError).code).toBe('peft_config_unsupported');
  });
});
