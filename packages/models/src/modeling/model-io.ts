/**
 * What every model takes and returns (the contract with @graft/data and @graft/train): one
 * object of the collated batch's fields in, one object out. Inputs are checked once, at the top
 * of the model, so a wrong dtype or shape fails with the field's name rather than deep inside a
 * layer.
 */
import { formatShape, type Tensor } from '@graft/core';
import { ModelInputError } from '../errors';

/** A model's input: the `TextBatch` fields (extra fields are ignored). */
export interface ModelInputs {
  /** int32 `[B, L]` token ids. */
  inputIds: Tensor;
  /** `[B, L]`, Hugging Face's convention: 1 = real token, 0 = padding (int32, bool or float). */
  attentionMask?: Tensor | null;
  /** int32 `[B, L]` segment ids (zeros when absent). */
  tokenTypeIds?: Tensor | null;
  /** int32 `[B, L]` (or `[L]`) position ids (the model's own when absent). */
  positionIds?: Tensor | null;
  /** Targets: int32 `[B]` class ids, float `[B]`/`[B, n]` for regression and multi-label, int32 `[B, L]` for token tasks (-100 ignored). */
  labels?: Tensor | null;
  /** Question answering: int32 `[B]` answer start and end token positions. */
  startPositions?: Tensor | null;
  endPositions?: Tensor | null;
  /** Also return the hidden states after the embeddings and after each layer. */
  outputHiddenStates?: boolean;
  /** Also return each layer's attention probabilities `[B, heads, L, L]` (computed unfused). */
  outputAttentions?: boolean;
}

/** What a base model (`BertModel`) returns. */
export interface BaseModelOutput {
  /** `[B, L, hidden]`, after the last layer. */
  lastHiddenState: Tensor;
  /** `[B, hidden]`, the pooler's output (models with a pooler only). */
  poolerOutput?: Tensor;
  /** The embeddings' output, then each layer's (with `outputHiddenStates`). */
  hiddenStates?: Tensor[];
  /** Each layer's attention probabilities (with `outputAttentions`). */
  attentions?: Tensor[];
}

/** What a model with a task head returns. */
export interface ModelOutput {
  /** Present when the inputs had labels: the task's loss, as transformers computes it. */
  loss?: Tensor;
  /** `[B, numLabels]` (sequence tasks), `[B, L, vocab]` (masked LM), `[B, L, numLabels]` (token tasks), `[B, L, 2]` (question answering). */
  logits: Tensor;
  lastHiddenState?: Tensor;
  hiddenStates?: Tensor[];
  attentions?: Tensor[];
}

/** `[B, L]` of `inputIds` after checking every given input against it. */
export function checkInputs(inputs: ModelInputs, model: string): [number, number] {
  if (inputs === null || typeof inputs !== 'object' || !inputs.inputIds) {
    throw new ModelInputError('inputIds', `${model} takes one object { inputIds, attentionMask?, tokenTypeIds?, labels? }; inputIds is missing`);
  }
  const ids = inputs.inputIds;
  if (ids.dtype !== 'int32')
    throw new ModelInputError('inputIds', `must be int32 token ids, got ${ids.dtype}: build them with tensor(ids, { dtype: 'int32' })`);
  if (ids.rank !== 2) throw new ModelInputError('inputIds', `must be [batch, length], got ${formatShape(ids.shape)} (add a batch axis with .unsqueeze(0))`);
  const [b, l] = ids.shape;
  const same = (field: 'attentionMask' | 'tokenTypeIds', t: Tensor | null | undefined) => {
    if (!t) return;
    if (t.rank !== 2 || t.shape[0] !== b || t.shape[1] !== l) {
      throw new ModelInputError(field, `has shape ${formatShape(t.shape)}, but inputIds is ${formatShape(ids.shape)}; they must match`);
    }
    if (t.device !== ids.device) throw new ModelInputError(field, `is on '${t.device}' but inputIds is on '${ids.device}'`);
  };
  same('attentionMask', inputs.attentionMask);
  same('tokenTypeIds', inputs.tokenTypeIds);
  if (inputs.tokenTypeIds && inputs.tokenTypeIds.dtype !== 'int32')
    throw new ModelInputError('tokenTypeIds', `must be int32, got ${inputs.tokenTypeIds.dtype}`);
  const pos = inputs.positionIds;
  if (pos) {
    if (pos.dtype !== 'int32') throw new ModelInputError('positionIds', `must be int32, got ${pos.dtype}`);
    const ok = (pos.rank === 1 && pos.shape[0] === l) || (pos.rank === 2 && (pos.shape[0] === b || pos.shape[0] === 1) && pos.shape[1] === l);
    if (!ok) throw new ModelInputError('positionIds', `has shape ${formatShape(pos.shape)}; expected [${l}], [1, ${l}] or [${b}, ${l}]`);
  }
  return [b, l];
}
