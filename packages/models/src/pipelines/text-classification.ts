/**
 * The text-classification pipeline, as transformers' `pipeline('text-classification')`: each
 * text's logits turned into scores (softmax for single-label, sigmoid for multi-label or one
 * label, raw for regression) and named with `id2label`. One text or a list without `topK` gives
 * the best label per text; `topK` (a number, or null for all) gives a sorted list per text.
 */
import type { Tokenizer } from '@graft/tokenizers';
import { PipelineInputError } from '../errors';
import type { AnyPreTrainedModel } from '../modeling/pretrained-model';
import { batchSizeOf, runBatches, textList } from './batching';

/** A label and its score. */
export interface LabelScore {
  label: string;
  score: number;
}

/** Options of a text-classification call. */
export interface TextClassificationOptions {
  /** Texts per forward pass (default 8). */
  batchSize?: number;
  /** How many labels per text, best first; null for all. Without it: the best label only. */
  topK?: number | null;
  /** How logits become scores (default: from `problem_type` and the number of labels, as transformers). */
  functionToApply?: 'softmax' | 'sigmoid' | 'none';
}

/** A text classifier made by `pipeline('text-classification', …)`. */
export interface TextClassificationPipeline {
  (text: string, opts?: TextClassificationOptions): Promise<LabelScore[]>;
  (texts: string[], opts?: TextClassificationOptions & { topK?: undefined }): Promise<LabelScore[]>;
  (texts: string[], opts: TextClassificationOptions & { topK: number | null }): Promise<LabelScore[][]>;
  readonly task: 'text-classification';
  readonly model: AnyPreTrainedModel;
  readonly tokenizer: Tokenizer;
  /** Frees the model's parameters. */
  dispose(): void;
}

/** The score function transformers applies for this config. */
function defaultFunction(model: AnyPreTrainedModel): 'softmax' | 'sigmoid' | 'none' {
  const { problem_type: problem, num_labels: n } = model.config;
  if (problem === 'regression') return 'none';
  if (problem === 'multi_label_classification' || n === 1) return 'sigmoid';
  return 'softmax';
}

/** Scores of one row of logits. */
function scores(logits: Float32Array, fn: 'softmax' | 'sigmoid' | 'none'): number[] {
  const xs = Array.from(logits);
  if (fn === 'sigmoid') return xs.map((x) => 1 / (1 + Math.exp(-x)));
  if (fn === 'none') return xs;
  const max = Math.max(...xs);
  const exps = xs.map((x) => Math.exp(x - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** Builds the pipeline function around a loaded model and tokenizer. */
export function textClassificationPipeline(
  model: AnyPreTrainedModel,
  tokenizer: Tokenizer,
  padId: number,
  defaults: TextClassificationOptions = {},
): TextClassificationPipeline {
  const run = async (texts: string | string[], opts: TextClassificationOptions = {}): Promise<LabelScore[] | LabelScore[][]> => {
    const o = { ...defaults, ...opts };
    const list = textList(texts, 'text-classification');
    const batchSize = batchSizeOf(o.batchSize, 'text-classification');
    const fn = o.functionToApply ?? defaultFunction(model);
    const n = model.config.num_labels;
    const topK = o.topK === undefined ? 1 : o.topK === null ? n : o.topK;
    if (!Number.isSafeInteger(topK) || topK < 1)
      throw new PipelineInputError(`text-classification: topK must be a positive integer or null, got ${String(o.topK)}`);
    const results: LabelScore[][] = [];
    const encodings = tokenizer.encodeBatch(list);
    await runBatches(
      model,
      encodings,
      batchSize,
      padId,
      (out) => out.logits,
      (values) => {
        for (let i = 0; i < values.length / n; i++) {
          const s = scores(values.subarray(i * n, (i + 1) * n), fn);
          const ranked = s.map((score, id) => ({ label: model.config.id2label[id] ?? `LABEL_${id}`, score })).sort((a, b) => b.score - a.score);
          results.push(ranked.slice(0, Math.min(topK, n)));
        }
      },
    );
    if (typeof texts === 'string') return results[0];
    return o.topK === undefined ? results.map((r) => r[0]) : results;
  };
  return Object.assign(run as TextClassificationPipeline, { task: 'text-classification' as const, model, tokenizer, dispose: () => model.dispose() });
}
