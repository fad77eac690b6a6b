/**
 * What the pipelines share: running a model over texts in batches, each batch tokenized, padded
 * to its longest text, run in eval mode without gradients inside a memory scope, and only the
 * numbers the pipeline needs read back. The model's training flag is restored afterwards.
 */
import { noGrad, scopeAsync, type Tensor } from '@graft/core';
import { encodingsToTensors } from '@graft/nn';
import type { Encoding, Tokenizer } from '@graft/tokenizers';
import { PipelineInputError } from '../errors';
import type { ModelInputs, ModelOutput } from '../modeling/model-io';
import type { AnyPreTrainedModel } from '../modeling/pretrained-model';

/** The device the model's parameters are on. */
export function modelDevice(model: AnyPreTrainedModel): string {
  return model.parameters()[0]?.device ?? 'cpu';
}

/** Checks and normalises the texts argument. */
export function textList(texts: unknown, pipeline: string): string[] {
  const list = typeof texts === 'string' ? [texts] : texts;
  if (!Array.isArray(list) || !list.every((t) => typeof t === 'string')) {
    throw new PipelineInputError(`${pipeline}: pass a text or an array of texts, got ${Array.isArray(list) ? 'an array with a non-string' : typeof list}`);
  }
  return list;
}

/** Checks a batch size option. */
export function batchSizeOf(batchSize: unknown, pipeline: string): number {
  const b = batchSize ?? 8;
  if (typeof b !== 'number' || !Number.isSafeInteger(b) || b < 1)
    throw new PipelineInputError(`${pipeline}: batchSize must be a positive integer, got ${String(b)}`);
  return b;
}

/**
 * Runs `model` over `encodings` in batches of `batchSize`; `pick(out, inputs, batch, start)` chooses
 * the tensor to read back (inside the batch's scope) and `use(values, batch)` consumes its values.
 */
export async function runBatches(
  model: AnyPreTrainedModel,
  encodings: Encoding[],
  batchSize: number,
  padId: number,
  pick: (out: ModelOutput, inputs: ModelInputs & { inputIds: Tensor }, batch: Encoding[], start: number) => Tensor,
  use: (values: Float32Array, batch: Encoding[], start: number) => void,
): Promise<void> {
  const wasTraining = model.training;
  model.eval();
  const device = modelDevice(model);
  try {
    for (let start = 0; start < encodings.length; start += batchSize) {
      const batch = encodings.slice(start, start + batchSize);
      await scopeAsync(async () => {
        const { inputIds, attentionMask, tokenTypeIds } = encodingsToTensors(batch, { padId, device });
        const inputs = { inputIds, attentionMask, tokenTypeIds };
        const picked = noGrad(() => pick(model.call(inputs) as ModelOutput, inputs, batch, start));
        use((await picked.cast('float32').data()) as Float32Array, batch, start);
      });
    }
  } finally {
    model.train(wasTraining);
  }
}

/** The pad id to pad batches with: the tokenizer's pad token, else config.json's `pad_token_id`, else 0. */
export function padIdOf(tokenizer: Tokenizer, padToken: string | null, configPad: number | null): number {
  const fromToken = padToken === null ? undefined : tokenizer.tokenToId(padToken);
  return fromToken ?? tokenizer.padding?.padId ?? configPad ?? 0;
}
