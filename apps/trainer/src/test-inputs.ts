/**
 * Test support for the CLI's tests (not exported): a padded batch of token ids as a model's
 * inputs, on which the tests compare the logits of a trained, reloaded and merged model.
 */
import { type Tensor, tensor } from '@graft/core';

/** `inputIds` from `ids` (rows padded with 0) and the `attentionMask` that is 1 on every id but the padding. */
export function paddedBatch(ids: number[][]): { inputIds: Tensor; attentionMask: Tensor } {
  return {
    inputIds: tensor(ids, { dtype: 'int32' }),
    attentionMask: tensor(
      ids.map((row) => row.map((id) => (id === 0 ? 0 : 1))),
      { dtype: 'int32' },
    ),
  };
}
