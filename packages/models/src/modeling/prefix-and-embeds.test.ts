/**
 * The two inputs prompt-learning methods need, on every family: `inputsEmbeds` (the word
 * embeddings of `inputIds` give the same outputs, bit for bit) and `pastKeyValues` (keys and
 * values of P earlier positions). The prefix is checked end to end against a longer input: the
 * last L tokens of a P + L sequence see exactly what L tokens see with the first P tokens' keys
 * and values as their past (positions continue at P, the mask covers P + L), so their hidden
 * states agree; a prefix of length 0 is the base model exactly.
 */
import { Generator, noGrad, type Tensor, tensor, zeros } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../../../../test-utils/close';
import { thrown } from '../../../../test-utils/thrown';
import { BertConfig, RobertaConfig } from '../config/bert-config';
import { DistilBertConfig } from '../config/distilbert-config';
import { ModelInputError } from '../errors';
import { BertForSequenceClassification, BertForTokenClassification } from './bert';
import type { BertSelfAttention } from './bert-layers';
import { DistilBertForSequenceClassification, type MultiHeadSelfAttention } from './distilbert';
import type { ModelInputs, ModelOutput, PastKeyValue } from './model-io';
import { RobertaForSequenceClassification } from './roberta';

const small = { vocab_size: 50, hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 24 };
const gen = () => new Generator(11);
const values = (t: Tensor) => Array.from(t.dataSync());

/** The three families as sequence classifiers, in eval mode, with their attention modules per layer. */
const families = [
  {
    name: 'BERT',
    make: () => new BertForSequenceClassification(new BertConfig({ ...small, type_vocab_size: 2 }), { generator: gen() }).eval(),
    attention: (m: BertForSequenceClassification, i: number) => m.bert.encoder.layer[i].attention.self as BertSelfAttention,
    project: (a: BertSelfAttention, h: Tensor) => [a.key.call(h), a.value.call(h)],
    word: (m: BertForSequenceClassification) => m.bert.embeddings.word_embeddings,
  },
  {
    name: 'RoBERTa',
    make: () => new RobertaForSequenceClassification(new RobertaConfig({ ...small, pad_token_id: 1 }), { generator: gen() }).eval(),
    attention: (m: RobertaForSequenceClassification, i: number) => m.roberta.encoder.layer[i].attention.self as BertSelfAttention,
    project: (a: BertSelfAttention, h: Tensor) => [a.key.call(h), a.value.call(h)],
    word: (m: RobertaForSequenceClassification) => m.roberta.embeddings.word_embeddings,
  },
  {
    name: 'DistilBERT',
    make: () =>
      new DistilBertForSequenceClassification(
        new DistilBertConfig({ vocab_size: 50, dim: 16, n_layers: 2, n_heads: 2, hidden_dim: 32, max_position_embeddings: 24 }),
        {
          generator: gen(),
        },
      ).eval(),
    attention: (m: DistilBertForSequenceClassification, i: number) => m.distilbert.transformer.layer[i].attention as MultiHeadSelfAttention,
    project: (a: MultiHeadSelfAttention, h: Tensor) => [a.k_lin.call(h), a.v_lin.call(h)],
    word: (m: DistilBertForSequenceClassification) => m.distilbert.embeddings.word_embeddings,
  },
] as const;

// no padding in the first P tokens (RoBERTa numbers positions by real tokens), padding at the end of row 2
const ids = () =>
  tensor(
    [
      [5, 7, 9, 11, 13, 8, 4],
      [6, 3, 12, 10, 2, 1, 1],
    ],
    { dtype: 'int32' },
  );
const mask = () =>
  tensor(
    [
      [1, 1, 1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1, 0, 0],
    ],
    { dtype: 'int32' },
  );
const P = 3;

/** `[B, P, hidden]` → `[B, heads, P, headDim]`. */
const heads = (t: Tensor, n: number) => t.reshape(t.shape[0], t.shape[1], n, t.shape[2] / n).transpose(1, 2);

describe('pastKeyValues', () => {
  for (const f of families) {
    it(`${f.name}: L tokens with the first P tokens' keys and values as their past match the last L of P + L tokens`, () => {
      const model = f.make() as never as { call(i: ModelInputs): ModelOutput; config: { num_attention_heads?: number; n_heads?: number } };
      const numHeads = model.config.num_attention_heads ?? model.config.n_heads!;
      noGrad(() => {
        const full = model.call({ inputIds: ids(), attentionMask: mask(), outputHiddenStates: true });
        const past: PastKeyValue[] = [0, 1].map((i) => {
          const h = full.hiddenStates![i].narrow(1, 0, P);
          const [k, v] = (f.project as (a: unknown, h: Tensor) => Tensor[])((f.attention as (m: unknown, i: number) => unknown)(model, i), h);
          return [heads(k, numHeads), heads(v, numHeads)] as const;
        });
        const rest = model.call({ inputIds: ids().narrow(1, P, 4), attentionMask: mask(), pastKeyValues: past });
        expectClose(values(rest.lastHiddenState!), values(full.lastHiddenState!.narrow(1, P, 4)), { atol: 1e-5 });
        // the attention probabilities cover the past too: [B, heads, L, P + L]
        const probs = model.call({ inputIds: ids().narrow(1, P, 4), attentionMask: mask(), pastKeyValues: past, outputAttentions: true });
        expect(probs.attentions![0].shape).toEqual([2, numHeads, 4, P + 4]);
        expectClose(values(probs.lastHiddenState!), values(rest.lastHiddenState!), { atol: 1e-5 });
      });
    });

    it(`${f.name}: a past of length 0 is the base model exactly; a wrong mask length or layer count is refused`, () => {
      const model = f.make() as never as { call(i: ModelInputs): ModelOutput; config: { num_attention_heads?: number; n_heads?: number } };
      const numHeads = model.config.num_attention_heads ?? model.config.n_heads!;
      const empty: PastKeyValue[] = [0, 1].map(() => [zeros([2, numHeads, 0, 16 / numHeads]), zeros([2, numHeads, 0, 16 / numHeads])] as const);
      const base = values(model.call({ inputIds: ids(), attentionMask: mask() }).logits);
      expect(values(model.call({ inputIds: ids(), attentionMask: mask(), pastKeyValues: empty }).logits)).toEqual(base);
      const one: PastKeyValue[] = [0, 1].map(() => [zeros([2, numHeads, 1, 16 / numHeads]), zeros([2, numHeads, 1, 16 / numHeads])] as const);
      const e = thrown(() => model.call({ inputIds: ids(), attentionMask: mask(), pastKeyValues: one }), ModelInputError);
      expect([e.field, e.message]).toEqual(['attentionMask', expect.stringMatching(/pastKeyValues hold 1 earlier positions.*expected \[2, 8\]/)]);
      expect(thrown(() => model.call({ inputIds: ids(), pastKeyValues: one.slice(1) }), ModelInputError).message).toMatch(/1 layers.*2 layers/);
      const wide: PastKeyValue[] = one.map(() => [zeros([2, numHeads, 1, 4]), zeros([2, numHeads, 1, 4])] as const);
      expect(thrown(() => model.call({ inputIds: ids(), pastKeyValues: wide }), ModelInputError).message).toMatch(/heads of 8/);
    });
  }
});

describe('inputsEmbeds', () => {
  for (const f of families) {
    it(`${f.name}: the word embeddings of inputIds give the same outputs and loss, bit for bit`, () => {
      const model = f.make() as never as { call(i: ModelInputs): ModelOutput };
      const word = (f.word as (m: unknown) => { call(ids: Tensor): Tensor })(model);
      const labels = tensor([1, 0], { dtype: 'int32' });
      // no padding: RoBERTa numbers embeddings given directly as if none were padding (transformers does too)
      const noPad = ids().narrow(1, 0, 5);
      const a = model.call({ inputIds: noPad, labels });
      const b = model.call({ inputsEmbeds: word.call(noPad), labels });
      expect(values(b.logits)).toEqual(values(a.logits));
      expect(b.loss!.itemSync()).toBe(a.loss!.itemSync());
    });
  }

  it('RoBERTa numbers embeddings pad+1 … pad+L even over padding, as transformers', () => {
    const f = families[1];
    const model = f.make();
    const embeds = f.word(model).call(ids());
    const positions = tensor([2, 3, 4, 5, 6, 7, 8], { dtype: 'int32' });
    const direct = values(model.call({ inputsEmbeds: embeds, attentionMask: mask() }).logits);
    expect(direct).toEqual(values(model.call({ inputIds: ids(), positionIds: positions, attentionMask: mask() }).logits));
  });

  it('token classification: a gradient reaches the embeddings given; token types and labels keep their length', () => {
    const model = new BertForTokenClassification(new BertConfig({ ...small, num_labels: 3 }), { generator: gen() });
    const embeds = model.bert.embeddings.word_embeddings.call(ids()).detach().requiresGrad_();
    const out = model.call({
      inputsEmbeds: embeds,
      tokenTypeIds: zeros([2, 7], { dtype: 'int32' }),
      labels: tensor(
        [
          [0, 1, 2, 0, 1, -100, -100],
          [2, 2, 1, 0, 0, -100, -100],
        ],
        { dtype: 'int32' },
      ),
    });
    expect(out.logits.shape).toEqual([2, 7, 3]);
    out.loss!.backward();
    expect(values(embeds.grad!).some((g) => g !== 0)).toBe(true);
  });

  it('refuses both inputs, neither, integer embeddings and a wrong width', () => {
    const model = families[0].make();
    const embeds = model.bert.embeddings.word_embeddings.call(ids());
    expect(thrown(() => model.call({ inputIds: ids(), inputsEmbeds: embeds }), ModelInputError).message).toMatch(/not both/);
    expect(thrown(() => model.call({}), ModelInputError).field).toBe('inputIds');
    expect(thrown(() => model.call({ inputsEmbeds: ids().reshape(2, 7, 1) }), ModelInputError).message).toMatch(/float/);
    expect(thrown(() => model.call({ inputsEmbeds: embeds.narrow(2, 0, 8) }), ModelInputError).message).toMatch(/8 wide.*16/);
  });
});
