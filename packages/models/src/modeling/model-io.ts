/**
 * What every model takes and returns (the contract with @graft/data and @graft/train): one
 * object of the collated batch's fields in, one object out. Inputs are checked once, at the top
 * of the model, so a wrong dtype or shape fails with the field's name rather than deep inside a
 * layer.
 */
import { formatShape, isFloat, type Tensor } from '@graft/core';
import { ModelInputError } from '../errors';

/**
 * One layer's keys and values of P earlier positions, `[B, heads, P, headDim]` each (transformers'
 * legacy `past_key_values` entry): every token of the input attends to them too.
 */
export type PastKeyValue = readonly [key: Tensor, value: Tensor];

/** A model's input: the `TextBatch` fields (extra fields are ignored). */
export interface ModelInputs {
  /** int32 `[B, L]` token ids (or give `inputsEmbeds` instead). */
  inputIds?: Tensor | null;
  /**
   * float `[B, L, hidden]`: the token embeddings to use instead of looking `inputIds` up
   * (transformers' `inputs_embeds`; prompt tuning prepends its soft prompt this way). Position and
   * token-type embeddings are still added; RoBERTa numbers such positions from `pad_token_id + 1`
   * without detecting padding, as transformers does.
   */
  inputsEmbeds?: Tensor | null;
  /**
   * Per layer, keys and values of P earlier positions that every token attends to as well
   * (transformers' `past_key_values`; prefix tuning passes its prefix this way). As in
   * transformers, the default position ids then start at P and `attentionMask`, when given,
   * covers the P earlier positions first: `[B, P + L]`. Absent, nothing changes.
   */
  pastKeyValues?: readonly PastKeyValue[] | null;
  /** `[B, L]` (`[B, P + L]` with `pastKeyValues`), Hugging Face's convention: 1 = real token, 0 = padding (int32, bool or float). */
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

/** The number P of earlier positions in `pastKeyValues` (0 when there are none). */
export function pastLength(past: readonly PastKeyValue[] | null | undefined): number {
  return past && past.length > 0 ? past[0][0].shape[2] : 0;
}

/** `[B, L]` of `inputIds` (or `inputsEmbeds`) after checking every given input against it. */
export function checkInputs(inputs: ModelInputs, model: string): [number, number] {
  if (inputs === null || typeof inputs !== 'object' || (!inputs.inputIds && !inputs.inputsEmbeds)) {
    throw new ModelInputError(
      'inputIds',
      `${model} takes one object { inputIds, attentionMask?, tokenTypeIds?, labels? } (or inputsEmbeds instead of inputIds); inputIds is missing`,
    );
  }
  if (inputs.inputIds && inputs.inputsEmbeds) throw new ModelInputError('inputsEmbeds', 'give inputIds or inputsEmbeds, not both');
  const ref = (inputs.inputIds ?? inputs.inputsEmbeds) as Tensor;
  if (inputs.inputIds) {
    const ids = inputs.inputIds;
    if (ids.dtype !== 'int32')
      throw new ModelInputError('inputIds', `must be int32 token ids, got ${ids.dtype}: build them with tensor(ids, { dtype: 'int32' })`);
    if (ids.rank !== 2) throw new ModelInputError('inputIds', `must be [batch, length], got ${formatShape(ids.shape)} (add a batch axis with .unsqueeze(0))`);
  } else {
    if (!isFloat(ref.dtype)) throw new ModelInputError('inputsEmbeds', `must be float embeddings, got ${ref.dtype}`);
    if (ref.rank !== 3) throw new ModelInputError('inputsEmbeds', `must be [batch, length, hidden], got ${formatShape(ref.shape)}`);
  }
  const refName = inputs.inputIds ? 'inputIds' : 'inputsEmbeds';
  const [b, l] = ref.shape;
  const p = checkPast(inputs.pastKeyValues, b, ref.device);
  const same = (field: 'attentionMask' | 'tokenTypeIds', t: Tensor | null | undefined, length: number) => {
    if (!t) return;
    if (t.rank !== 2 || t.shape[0] !== b || t.shape[1] !== length) {
      const expected = formatShape([b, length]);
      const why = length === l ? `${refName} is ${formatShape(ref.shape)}` : `pastKeyValues hold ${p} earlier positions and ${refName} ${l}`;
      throw new ModelInputError(field, `has shape ${formatShape(t.shape)}, but ${why}; expected ${expected}`);
    }
    if (t.device !== ref.device) throw new ModelInputError(field, `is on '${t.device}' but ${refName} is on '${ref.device}'`);
  };
  same('attentionMask', inputs.attentionMask, p + l);
  same('tokenTypeIds', inputs.tokenTypeIds, l);
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

/** P after checking that every entry of `past` is a pair of `[B, heads, P, headDim]` tensors on `device` with one P. */
function checkPast(past: readonly PastKeyValue[] | null | undefined, b: number, device: string): number {
  if (!past) return 0;
  if (!Array.isArray(past)) throw new ModelInputError('pastKeyValues', 'must be an array of [key, value] pairs, one per layer');
  const p = pastLength(past);
  past.forEach((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2) throw new ModelInputError('pastKeyValues', `entry ${i} must be a [key, value] pair`);
    for (const [j, t] of pair.entries()) {
      const what = `pastKeyValues[${i}][${j}]`;
      if (t.rank !== 4 || t.shape[0] !== b || t.shape[2] !== p) {
        throw new ModelInputError('pastKeyValues', `${what} has shape ${formatShape(t.shape)}; every key and value must be [${b}, heads, ${p}, headDim]`);
      }
      if (!isFloat(t.dtype)) throw new ModelInputError('pastKeyValues', `${what} must be float, got ${t.dtype}`);
      if (t.device !== device) throw new ModelInputError('pastKeyValues', `${what} is on '${t.device}' but the inputs are on '${device}'`);
    }
  });
  return p;
}

/**
 * Checks `pastKeyValues` against the model's shape (one pair per layer, `heads` heads of
 * `headDim`); the encoders call it, `checkInputs` having checked the batch and lengths.
 */
export function checkPastShape(past: readonly PastKeyValue[] | null | undefined, o: { numLayers: number; numHeads: number; headDim: number }): void {
  if (!past || past.length === 0) return;
  if (past.length !== o.numLayers) {
    throw new ModelInputError('pastKeyValues', `holds ${past.length} layers' keys and values, but the model has ${o.numLayers} layers`);
  }
  for (const [i, pair] of past.entries()) {
    for (const t of pair) {
      if (t.shape[1] !== o.numHeads || t.shape[3] !== o.headDim) {
        throw new ModelInputError(
          'pastKeyValues',
          `pastKeyValues[${i}] has shape ${formatShape(t.shape)}, but the model has ${o.numHeads} heads of ${o.headDim}: expected [batch, ${o.numHeads}, P, ${o.headDim}]`,
        );
      }
    }
  }
}
