/**
 * The typed error of the freezing strategies: a model whose layout they cannot read, or a
 * strategy that does not fit the model (more layers to freeze than it has, a head-only run on a
 * model without a head). The `code` is stable; the message names the model, the strategy and
 * what to do.
 */
import { GraftError } from '@graft/core';

/** The stable codes of {@link FreezingError}. */
export type FreezingErrorCode =
  /** The model has no BERT-family layout (embeddings and numbered encoder layers), or more than one. */
  | 'freezing_unknown_layout'
  /** The strategy or its options do not fit the model (a bad name, `freeze:N` past the top layer, no head). */
  | 'freezing_config';

/** A freezing strategy that cannot be applied to a model; `code` says why. */
export class FreezingError extends GraftError {
  constructor(code: FreezingErrorCode, message: string) {
    super(code, message);
  }
}
