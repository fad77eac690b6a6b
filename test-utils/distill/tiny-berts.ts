/**
 * Small BERTs and rows for @graft/distill's tests: a teacher and students of other widths and
 * depths built from configs (no files), dropout off so runs are exact, token rows of a learnable
 * task, and what it takes to measure "the student moves toward the teacher" on held-out rows.
 */
import { Generator, noGrad, type Tensor } from '@graft/core';
import { padCollate } from '@graft/data';
import { BertConfig, BertForSequenceClassification } from '@graft/models';

/** A BERT sequence classifier over a 60-token vocabulary with 3 labels. */
export function tinyBert(opts: { hidden: number; layers: number; seed: number; heads?: number; initializerRange?: number }): BertForSequenceClassification {
  const config = new BertConfig({
    vocab_size: 60,
    hidden_size: opts.hidden,
    intermediate_size: 2 * opts.hidden,
    num_hidden_layers: opts.layers,
    num_attention_heads: opts.heads ?? 2,
    max_position_embeddings: 16,
    num_labels: 3,
    hidden_dropout_prob: 0,
    attention_probs_dropout_prob: 0,
    initializer_range: opts.initializerRange ?? 0.02,
  });
  return new BertForSequenceClassification(config, { generator: new Generator(opts.seed) });
}

/** A row: token ids (with [CLS]=2 … [SEP]=3), its mask, a label and its example index. */
export interface TinyBertRow {
  inputIds: number[];
  attentionMask: number[];
  label: number;
  idx: number;
}

/**
 * `n` rows of 3–10 tokens with a learnable label: each class draws 80% of its tokens from its own
 * band of the vocabulary (ids 5–22, 23–40, 41–58), the rest anywhere.
 */
export function tokenRows(n: number, seed: number): TinyBertRow[] {
  const u = new Generator(seed).uniform(n * 24);
  let k = 0;
  return Array.from({ length: n }, (_, idx) => {
    const label = Math.floor(u[k++] * 3);
    const len = 3 + Math.floor(u[k++] * 8);
    const inner = Array.from({ length: len - 2 }, () => {
      const inBand = u[k++] < 0.8;
      const r = u[k++];
      return inBand ? 5 + label * 18 + Math.floor(r * 18) : 5 + Math.floor(r * 54);
    });
    const inputIds = [2, ...inner, 3];
    return { inputIds, attentionMask: inputIds.map(() => 1), label, idx };
  });
}

/** Batches of these rows: @graft/data's `padCollate` (pad id 0; `label` → `labels`, `idx` → int32 [B]). */
export const tinyBertCollate = padCollate({ padTokenId: 0 });

/** The teacher's logits for `rows`, in eval mode without gradients. */
export function logitsOf(model: BertForSequenceClassification, rows: TinyBertRow[]): Tensor {
  const batch = tinyBertCollate(rows);
  const was = model.training;
  model.eval();
  const out = noGrad(() => model.call(batch).logits);
  model.train(was);
  return out;
}

/** The rows with each label set to the teacher's argmax (what a teacher-labelled transfer set holds). */
export function labelByTeacher(teacher: BertForSequenceClassification, rows: TinyBertRow[]): TinyBertRow[] {
  const pred = logitsOf(teacher, rows).argmax(-1).dataSync();
  return rows.map((r, i) => ({ ...r, label: pred[i] }));
}

/** Mean KL(softmax(teacher) ‖ softmax(student)) over rows and the share of rows whose argmax agree. */
export function agreement(teacher: Tensor, student: Tensor): { kl: number; agree: number } {
  const t = teacher.logSoftmax(-1);
  const s = student.logSoftmax(-1);
  const kl = t.exp().mul(t.sub(s)).sum(-1).mean().itemSync();
  const agree = teacher.argmax(-1).eq(student.argmax(-1)).mean().itemSync();
  return { kl, agree };
}
