/** Dropout: zeroes activations at random while training, seeded by a generator. */
import { dropout, type Generator, type Tensor } from '@graft/core';
import { Module } from '../module/module';
import { checkProbability } from './factory';

/** Zeroes each element with probability `p` and scales the rest by `1/(1-p)` in training mode. */
export class Dropout extends Module {
  /** The generator masks are drawn from (the global one when omitted). */
  generator: Generator | undefined;

  constructor(
    readonly p = 0.5,
    opts: { generator?: Generator } = {},
  ) {
    super();
    checkProbability('Dropout', 'p', p);
    this.generator = opts.generator;
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, { generator: this.generator });
  }

  /** `p=…`. */
  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
