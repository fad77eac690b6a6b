/** Embedding: a lookup table of rows by integer id, as `torch.nn.Embedding`. */
import { DTypeError, embedding, formatShape, noGrad, scope, type Tensor, tensor } from '@graft/core';
import { LayerConfigError } from '../errors';
import { Module } from '../module/module';
import type { Parameter } from '../module/parameter';
import * as init from '../init';
import { checkPositive, type FactoryOptions, newParameter } from './factory';

/** Options of Embedding. */
export interface EmbeddingOptions extends FactoryOptions {
  /** Row that is zero-initialised and never receives gradient (negative counts from the end). */
  paddingIdx?: number | null;
}

/**
 * `weight` `[numEmbeddings, dim]`, initialised N(0, 1) with the padding row zeroed; `forward`
 * takes int32 ids of any shape and returns `[...ids.shape, dim]`.
 */
export class Embedding extends Module {
  weight: Parameter;
  readonly paddingIdx: number | null;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    opts: EmbeddingOptions = {},
  ) {
    super();
    checkPositive('Embedding', 'numEmbeddings', numEmbeddings);
    checkPositive('Embedding', 'embeddingDim', embeddingDim);
    let pad = opts.paddingIdx ?? null;
    if (pad !== null) {
      if (!Number.isInteger(pad) || pad >= numEmbeddings || pad < -numEmbeddings) {
        throw new LayerConfigError(`Embedding: paddingIdx ${pad} is outside [${-numEmbeddings}, ${numEmbeddings})`);
      }
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    this.weight = newParameter([numEmbeddings, embeddingDim], opts, (t) => init.normal(t, 0, 1, opts));
    if (pad !== null) this.zeroPaddingRow();
  }

  /** Zeroes the padding row again (after loading weights that had values there, say). */
  zeroPaddingRow(): void {
    const pad = this.paddingIdx;
    if (pad === null) return;
    scope(() =>
      noGrad(() => {
        const rows = this.weight.shape[0];
        const keepRows = tensor(
          Array.from({ length: rows }, (_, i) => i !== pad),
          { dtype: 'bool', device: this.weight.device },
        );
        this.weight.assign(this.weight.where(keepRows.reshape(rows, 1), 0));
      }),
    );
  }

  forward(ids: Tensor): Tensor {
    if (ids.dtype !== 'int32') {
      throw new DTypeError(
        `Embedding: ids must be int32, got ${ids.dtype} ${formatShape(ids.shape)}: cast them with .cast('int32') ` +
          "(build token ids with tensor(ids, { dtype: 'int32' }), or take inputIds from encodingsToTensors)",
      );
    }
    return embedding(this.weight, ids, this.paddingIdx);
  }

  /** `numEmbeddings=…, embeddingDim=…` and `paddingIdx` when set. */
  override extraRepr(): string {
    return `numEmbeddings=${this.numEmbeddings}, embeddingDim=${this.embeddingDim}${this.paddingIdx === null ? '' : `, paddingIdx=${this.paddingIdx}`}`;
  }
}
