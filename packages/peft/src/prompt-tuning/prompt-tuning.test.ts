/**
 * Prompt tuning end to end on the fixture models: a soft prompt equal to the word embeddings of
 * P tokens makes the model on the remaining L tokens compute what the base model computes on all
 * P + L (logits of BERT, DistilBERT and RoBERTa classifiers; the masked-LM loss with token labels
 * shifted behind the prompt), so the prompt goes in front, the mask and token types grow, and the
 * positions are the model's own. Also: PEFT's file (`prompt_embeddings`, the classifier under
 * `base_model.`, the config with the model's shape and without Graft's token ids), the three
 * initialisations, and the refusals.
 */
import { type Tensor, tensor } from '@graft/core';
import { fromPretrained, type ModelInputs, type ModelOutput } from '@graft/models';
import type { AnyModule, Embedding } from '@graft/nn';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../../../../test-utils/close';
import { fixtureFiles, type ModelFixture } from '../../../../test-utils/models/parity';
import { TinyNet, tinyBatch } from '../../../../test-utils/peft/tiny';
import { thrown } from '../../../../test-utils/thrown';
import { PeftAdapterError, PeftConfigError, PeftTargetError } from '../errors';
import { getPeftModel, type PeftModel } from '../peft-model';
import { promptTuningConfig } from './config';
import { type PromptEmbedding, repeatTo } from './encoder';
import { wordEmbeddingsPath } from './method';

const quiet = { warn: () => {} };
const data = (t: Tensor) => Array.from(t.dataSync());
type Runner = AnyModule & { call(inputs: ModelInputs): ModelOutput };

// the first P tokens are the same in both rows (one prompt serves the batch); row 2 ends in padding
const P = 3;
const rows = [
  [2, 15, 27, 40, 8, 99, 3],
  [2, 15, 27, 11, 5, 3, 0],
];
const maskRows = [
  [1, 1, 1, 1, 1, 1, 1],
  [1, 1, 1, 1, 1, 1, 0],
];
const ids = (from = 0) =>
  tensor(
    rows.map((r) => r.slice(from)),
    { dtype: 'int32' },
  );
const mask = (from = 0) =>
  tensor(
    maskRows.map((r) => r.slice(from)),
    { dtype: 'int32' },
  );
const textPrompt = { prompt_tuning_init: 'TEXT', prompt_tuning_init_text: 'the first tokens', tokenizer_name_or_path: 'bert-base-uncased' } as const;

const encoder = (peft: PeftModel) => peft.base_model.prompt_encoder!.get('default') as PromptEmbedding;

describe('prompt tuning', () => {
  for (const fixture of ['bert-seqcls', 'distilbert-seqcls', 'roberta-seqcls'] as ModelFixture[]) {
    it(`${fixture}: a prompt of P tokens' word embeddings on L tokens gives the base model's logits on P + L`, async () => {
      const model = (await fromPretrained(fixtureFiles(fixture))) as unknown as Runner;
      model.eval();
      const full = data(model.call({ inputIds: ids(), attentionMask: mask() }).logits);
      const config = {
        peft_type: 'PROMPT_TUNING',
        task_type: 'SEQ_CLS',
        num_virtual_tokens: P,
        ...textPrompt,
        prompt_tuning_init_token_ids: rows[0].slice(0, P),
      };
      const peft = getPeftModel(model, config, quiet) as unknown as PeftModel & Runner;
      const out = peft.call({ inputIds: ids(P), attentionMask: mask(P) });
      expectClose(data(out.logits), full, { atol: 1e-5 });
      expect(out.logits.shape).toEqual([2, 2]);
      // given inputsEmbeds instead of inputIds, the prompt goes before them the same way
      const words = model.getSubmodule(wordEmbeddingsPath(model)!) as Embedding;
      expectClose(data(peft.call({ inputsEmbeds: words.call(ids(P)), attentionMask: mask(P) }).logits), full, { atol: 1e-5 });
      expect(peft.withAdaptersDisabled(() => data(peft.call({ inputIds: ids(), attentionMask: mask() }).logits))).toEqual(full);
      peft.dispose();
    });
  }

  it('masked LM: token labels get T -100s in front, so the loss is the base loss on P + L with the prompt unlabelled', async () => {
    const model = (await fromPretrained(fixtureFiles('bert-mlm'))) as unknown as Runner;
    model.eval();
    const labels = [
      [-100, 40, -100, 9],
      [11, -100, 3, -100],
    ];
    const full = model.call({
      inputIds: ids(),
      attentionMask: mask(),
      labels: tensor(
        [labels[0].map(() => -100).slice(0, P), labels[1].map(() => -100).slice(0, P)].map((r, i) => [...r, ...labels[i]]),
        { dtype: 'int32' },
      ),
    });
    const peft = getPeftModel(
      model,
      { peft_type: 'PROMPT_TUNING', num_virtual_tokens: P, ...textPrompt, prompt_tuning_init_token_ids: rows[0].slice(0, P) },
      quiet,
    ) as unknown as PeftModel & Runner;
    const out = peft.call({
      inputIds: ids(P),
      attentionMask: mask(P),
      tokenTypeIds: tensor(
        [
          [0, 0, 0, 0],
          [0, 0, 0, 0],
        ],
        { dtype: 'int32' },
      ),
      labels: tensor(labels, { dtype: 'int32' }),
    });
    expect(out.logits.shape).toEqual([2, P + 4, 1024]);
    expectClose([out.loss!.itemSync()], [full.loss!.itemSync()], { atol: 1e-5 });
    expectClose(data(out.logits), data(full.logits), { atol: 1e-4 });
    peft.dispose();
  });

  it("saves PEFT's file: prompt_embeddings, the classifier under base_model., the model's shape in the config, no token ids", async () => {
    const peft = getPeftModel(
      await fromPretrained(fixtureFiles('bert-seqcls')),
      { peft_type: 'PROMPT_TUNING', task_type: 'SEQ_CLS', num_virtual_tokens: 5, ...textPrompt, prompt_tuning_init_token_ids: [2, 15] },
      quiet,
    );
    const keys = peft.base_model.adapterTensors('default').map((t) => [t.fileKey, t.tensor.shape]);
    expect(keys.sort()).toEqual([
      ['base_model.classifier.bias', [2]],
      ['base_model.classifier.weight', [2, 32]],
      ['prompt_embeddings', [5, 32]],
    ]);
    const config = JSON.parse(new TextDecoder().decode(peft.toAdapterFiles().get('adapter_config.json')));
    expect(config).toMatchObject({
      peft_type: 'PROMPT_TUNING',
      num_virtual_tokens: 5,
      token_dim: 32,
      num_layers: 2,
      num_attention_heads: 4,
      num_transformer_submodules: 1,
      prompt_tuning_init: 'TEXT',
      prompt_tuning_init_text: 'the first tokens',
      tokenizer_name_or_path: 'bert-base-uncased',
      modules_to_save: ['classifier', 'score'],
    });
    expect(config).not.toHaveProperty('prompt_tuning_init_token_ids');
    expect(peft.printTrainableParameters(() => {})).toMatch(/^trainable params: 226 \|\|/);
    peft.dispose();
  });

  it('starts from the text token embeddings repeated to length, random vocabulary rows, or N(0, 1)', async () => {
    const words = async () => {
      const model = await fromPretrained(fixtureFiles('bert-seqcls'));
      return { model, table: data((model.getSubmodule(wordEmbeddingsPath(model)!) as Embedding).weight) };
    };
    const row = (table: number[], id: number) => table.slice(id * 32, id * 32 + 32);
    const text = await words();
    expect(wordEmbeddingsPath(text.model)).toBe('bert.embeddings.word_embeddings');
    const peft = getPeftModel(text.model, { peft_type: 'PROMPT_TUNING', num_virtual_tokens: 5, ...textPrompt, prompt_tuning_init_token_ids: [7, 9] }, quiet);
    expect(repeatTo([7, 9], 5)).toEqual([7, 9, 7, 9, 7]);
    expect(data(encoder(peft).prompt())).toEqual([7, 9, 7, 9, 7].flatMap((id) => row(text.table, id)));
    const vocab = await words();
    const sampled = data(
      encoder(getPeftModel(vocab.model, { peft_type: 'PROMPT_TUNING', num_virtual_tokens: 4, prompt_tuning_init: 'SAMPLE_VOCAB' }, quiet)).prompt(),
    );
    for (let t = 0; t < 4; t++) {
      const r = sampled.slice(t * 32, t * 32 + 32);
      expect(Array.from({ length: 1024 }, (_, id) => id).some((id) => row(vocab.table, id).every((v, i) => v === r[i]))).toBe(true);
    }
    const random = data(encoder(getPeftModel((await words()).model, { peft_type: 'PROMPT_TUNING', num_virtual_tokens: 8 }, quiet)).prompt());
    const std = Math.sqrt(random.reduce((s, v) => s + v * v, 0) / random.length);
    expect(std).toBeGreaterThan(0.7);
    expect(std).toBeLessThan(1.3);
  });

  it('refuses TEXT without token ids or with ids outside the vocabulary, a model without word embeddings, other calls, two active prompts', async () => {
    const model = await fromPretrained(fixtureFiles('bert-seqcls'));
    const bert = () => fromPretrained(fixtureFiles('bert-seqcls'));
    const noIds = thrown(() => getPeftModel(model, { peft_type: 'PROMPT_TUNING', num_virtual_tokens: 2, ...textPrompt }, quiet), PeftConfigError);
    expect(noIds.field).toBe('prompt_tuning_init_token_ids');
    expect(noIds.message).toMatch(/does not tokenize/);
    const far = thrown(
      () => getPeftModel(model, { peft_type: 'PROMPT_TUNING', num_virtual_tokens: 2, ...textPrompt, prompt_tuning_init_token_ids: [5, 5000] }, quiet),
      PeftConfigError,
    );
    expect(far.message).toMatch(/5000 is outside the model's vocabulary of 1024/);
    // the failed adds left the model as it was
    expect(model.parameters().every((p) => p.requiresGrad)).toBe(true);
    expect(thrown(() => promptTuningConfig({}), PeftConfigError).field).toBe('num_virtual_tokens');
    expect(thrown(() => promptTuningConfig({ num_virtual_tokens: 2, prompt_tuning_init: 'TEXT', prompt_tuning_init_text: 'x' }), PeftConfigError).field).toBe(
      'tokenizer_name_or_path',
    );
    expect(thrown(() => promptTuningConfig({ num_virtual_tokens: 2, prompt_tuning_init_token_ids: [1] }), PeftConfigError).field).toBe(
      'prompt_tuning_init_token_ids',
    );
    expect(thrown(() => getPeftModel(new TinyNet(1), { peft_type: 'PROMPT_TUNING', num_virtual_tokens: 2 }, quiet), PeftTargetError).code).toBe(
      'peft_target_not_found',
    );
    const warnings: string[] = [];
    const peft = getPeftModel(await bert(), { peft_type: 'PROMPT_TUNING', num_virtual_tokens: 2 }, { warn: (m) => warnings.push(m) }) as unknown as PeftModel &
      Runner;
    expect(thrown(() => (peft as unknown as { call(b: unknown): unknown }).call(tinyBatch()), PeftAdapterError).code).toBe('peft_adapter_inputs');
    expect(thrown(() => (peft as unknown as { call(a: unknown, b: unknown): unknown }).call({ inputIds: ids() }, 1), PeftAdapterError).code).toBe(
      'peft_adapter_inputs',
    );
    peft.call({
      inputIds: ids(),
      positionIds: tensor(
        [
          [0, 1, 2, 3, 4, 5, 6],
          [0, 1, 2, 3, 4, 5, 6],
        ],
        { dtype: 'int32' },
      ),
    });
    expect(warnings).toEqual(['Position ids are not supported for parameter efficient tuning. Ignoring position ids.']);
    peft.addAdapter('other', { peft_type: 'PROMPT_TUNING', num_virtual_tokens: 3 });
    expect(thrown(() => peft.setAdapter(['default', 'other']), PeftAdapterError).code).toBe('peft_adapter_active');
    peft.setAdapter('other');
    expect(data(peft.call({ inputIds: ids() }).logits)).not.toEqual(data(peft.withAdaptersDisabled(() => peft.call({ inputIds: ids() }).logits)));
    peft.dispose();
  });
});
