/**
 * The fill-mask pipeline, as transformers' `pipeline('fill-mask')`: for a text holding one mask
 * token, the `topK` most likely tokens at the mask with their probabilities, each with the text
 * it makes (`sequence`, special tokens dropped). Only the mask rows of the logits are soft-maxed
 * and read back (`[B, vocab]`, not `[B, L, vocab]`).
 */
import { tensor } from '@graft/core';
import type { Tokenizer } from '@graft/tokenizers';
import { PipelineInputError } from '../errors';
import type { AnyPreTrainedModel } from '../modeling/pretrained-model';
import { batchSizeOf, modelDevice, runBatches, textList } from './batching';

/** One candidate for the mask. */
export interface FillMaskResult {
  /** The token's id. */
  token: number;
  /** The token decoded on its own (`good`). */
  tokenStr: string;
  /** Its probability at the mask. */
  score: number;
  /** The text with the mask replaced by the token. */
  sequence: string;
}

/** Options of a fill-mask call. */
export interface FillMaskOptions {
  /** Candidates per text, best first (default 5). */
  topK?: number;
  /** Texts per forward pass (default 8). */
  batchSize?: number;
}

/** A mask filler made by `pipeline('fill-mask', …)`. */
export interface FillMaskPipeline {
  (text: string, opts?: FillMaskOptions): Promise<FillMaskResult[]>;
  (texts: string[], opts?: FillMaskOptions): Promise<FillMaskResult[][]>;
  readonly task: 'fill-mask';
  readonly model: AnyPreTrainedModel;
  readonly tokenizer: Tokenizer;
  /** The mask token (`[MASK]`, `<mask>`). */
  readonly maskToken: string;
  /** Frees the model's parameters. */
  dispose(): void;
}

/** Builds the pipeline function around a loaded masked-LM model and its tokenizer. */
export function fillMaskPipeline(
  model: AnyPreTrainedModel,
  tokenizer: Tokenizer,
  padId: number,
  maskToken: string,
  defaults: FillMaskOptions = {},
): FillMaskPipeline {
  const maskId = tokenizer.tokenToId(maskToken);
  if (maskId === undefined) throw new PipelineInputError(`fill-mask: the mask token '${maskToken}' is not in the tokenizer's vocabulary`);
  const run = async (texts: string | string[], opts: FillMaskOptions = {}): Promise<FillMaskResult[] | FillMaskResult[][]> => {
    const o = { ...defaults, ...opts };
    const list = textList(texts, 'fill-mask');
    const batchSize = batchSizeOf(o.batchSize, 'fill-mask');
    const topK = o.topK ?? 5;
    if (!Number.isSafeInteger(topK) || topK < 1) throw new PipelineInputError(`fill-mask: topK must be a positive integer, got ${String(topK)}`);
    const encodings = tokenizer.encodeBatch(list);
    const maskAt = encodings.map((e, i) => {
      const at = e.ids.flatMap((id, j) => (id === maskId ? [j] : []));
      if (at.length !== 1) {
        throw new PipelineInputError(`fill-mask: text ${i} must hold exactly one ${maskToken}, it holds ${at.length}: ${JSON.stringify(list[i].slice(0, 80))}`);
      }
      return at[0];
    });
    const results: FillMaskResult[][] = [];
    await runBatches(
      model,
      encodings,
      batchSize,
      padId,
      (out, inputs, batch, start) => {
        const [b, l] = inputs.inputIds.shape;
        const vocab = out.logits.shape[2];
        const rows = batch.map((_, i) => i * l + maskAt[start + i]);
        const index = tensor(rows, { dtype: 'int32', device: modelDevice(model) });
        return out.logits
          .reshape(b * l, vocab)
          .indexSelect(0, index)
          .softmax(-1);
      },
      (probs, batch, start) => {
        const vocab = probs.length / batch.length;
        batch.forEach((enc, i) => {
          const row = probs.subarray(i * vocab, (i + 1) * vocab);
          const best = topIndices(row, topK);
          results.push(
            best.map((id) => {
              const ids = [...enc.ids];
              ids[maskAt[start + i]] = id;
              return {
                token: id,
                tokenStr: tokenizer.decode([id], { skipSpecialTokens: false }),
                score: row[id],
                sequence: tokenizer.decode(ids, { skipSpecialTokens: true }),
              };
            }),
          );
        });
      },
    );
    return typeof texts === 'string' ? results[0] : results;
  };
  return Object.assign(run as FillMaskPipeline, { task: 'fill-mask' as const, model, tokenizer, maskToken, dispose: () => model.dispose() });
}

/** The indices of the `k` largest values, largest first (ties: lower index first). */
export function topIndices(values: ArrayLike<number>, k: number): number[] {
  const n = Math.min(k, values.length);
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (best.length === n && values[i] <= values[best[n - 1]]) continue;
    let j = best.length < n ? best.length : n - 1;
    best[j] = i;
    while (j > 0 && values[best[j]] > values[best[j - 1]]) {
      [best[j], best[j - 1]] = [best[j - 1], best[j]];
      j--;
    }
  }
  return best;
}
