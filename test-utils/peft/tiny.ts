/**
 * A small model built from nn layers only, for @graft/peft's unit tests and invariant cases: it
 * shows that adapters need nothing from @graft/models, only modules with names. Embedding →
 * mean over tokens → Linear + ReLU → LayerNorm → Linear + tanh → classifier, returning
 * `{ loss?, logits }` like the models' sequence classifiers. The same seed builds the same weights,
 * so a second instance is "the same base model loaded again".
 */
import { crossEntropy, Generator, type Tensor, tensor } from '@graft/core';
import { Embedding, LayerNorm, Linear, Module } from '@graft/nn';

/** What TinyNet takes: token ids `[B, L]` (int32) and optional labels `[B]`. */
export interface TinyInputs {
  ids: Tensor;
  labels?: Tensor | null;
}

/** The model (see the file comment). */
export class TinyNet extends Module<[TinyInputs], { loss?: Tensor; logits: Tensor }> {
  embed: Embedding;
  proj: Linear;
  norm: LayerNorm;
  out: Linear;
  classifier: Linear;

  constructor(seed = 0, device?: string) {
    super();
    const generator = new Generator(seed);
    this.embed = new Embedding(20, 8, { paddingIdx: 0, generator, device });
    this.proj = new Linear(8, 8, { generator, device });
    this.norm = new LayerNorm(8, { device });
    this.out = new Linear(8, 6, { generator, device });
    this.classifier = new Linear(6, 3, { generator, device });
  }

  forward({ ids, labels }: TinyInputs): { loss?: Tensor; logits: Tensor } {
    const h = this.embed.call(ids).mean(1);
    const logits = this.classifier.call(this.out.call(this.norm.call(this.proj.call(h).relu())).tanh());
    return labels ? { loss: crossEntropy(logits, labels), logits } : { logits };
  }
}

/** A fixed batch for TinyNet (the padding id 0 included). */
export function tinyBatch(device?: string): Required<TinyInputs> {
  return {
    ids: tensor(
      [
        [1, 5, 7, 0],
        [3, 3, 9, 12],
        [19, 2, 0, 0],
      ],
      { dtype: 'int32', device },
    ),
    labels: tensor([0, 2, 1], { dtype: 'int32', device }),
  };
}
