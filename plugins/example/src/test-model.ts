/**
 * Test support (not exported): a small text classifier built from @graft/nn's public layers, as a
 * plugin's own tests would have it (Embedding → masked mean → Linear + tanh → classifier,
 * returning `{ loss, logits }` like Graft's sequence classifiers), synthetic learnable rows, and
 * where the repository's reference assets are (`GRAFT_ASSETS`, else `<repo>/assets`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { crossEntropy, Generator, type Tensor, tensor } from '@graft/core';
import type { TextBatch } from '@graft/data';
import { Embedding, Linear, Module } from '@graft/nn';

/** The classifier (see the file comment); the same seed builds the same weights. */
export class TinyTextClassifier extends Module<[TextBatch], { loss?: Tensor; logits: Tensor }> {
  embed: Embedding;
  proj: Linear;
  classifier: Linear;

  constructor(seed = 0, device?: string) {
    super();
    const generator = new Generator(seed);
    this.embed = new Embedding(32, 12, { paddingIdx: 0, generator, device });
    this.proj = new Linear(12, 10, { generator, device });
    this.classifier = new Linear(10, 3, { generator, device });
  }

  forward(batch: TextBatch): { loss?: Tensor; logits: Tensor } {
    const mask = batch.attentionMask.cast('float32').unsqueeze(-1);
    const pooled = this.embed.call(batch.inputIds).mul(mask).sum(1).div(mask.sum(1).maximum(1));
    const logits = this.classifier.call(this.proj.call(pooled).tanh());
    return { loss: batch.labels ? crossEntropy(logits, batch.labels) : undefined, logits };
  }
}

/** A fixed batch of four rows (padding included), on `device`. */
export function tinyBatch(device?: string): TextBatch {
  const ids = [
    [3, 7, 9, 0],
    [12, 4, 4, 30],
    [25, 2, 0, 0],
    [8, 8, 16, 5],
  ];
  return {
    inputIds: tensor(ids, { dtype: 'int32', device }),
    attentionMask: tensor(
      ids.map((r) => r.map((t) => (t === 0 ? 0 : 1))),
      { dtype: 'int32', device },
    ),
    labels: tensor([0, 2, 1, 0], { dtype: 'int32', device }),
  };
}

/** `n` rows of 3 classes whose tokens come mostly from their class's band of the vocabulary. */
export function tinyRows(n: number, seed = 1): { inputIds: number[]; label: number }[] {
  const u = new Generator(seed).uniform(n * 24);
  let k = 0;
  return Array.from({ length: n }, () => {
    const label = Math.floor(u[k++] * 3);
    const length = 3 + Math.floor(u[k++] * 6);
    const inputIds = Array.from({ length }, () => (u[k++] < 0.85 ? 1 + label * 10 + Math.floor(u[k++] * 10) : 1 + Math.floor(u[k++] * 30)));
    return { inputIds, label };
  });
}

/** A path in the repository's reference assets (`GRAFT_ASSETS`, else `<repo>/assets`); a missing folder fails the test. */
export function assetPath(...parts: string[]): string {
  const dir = process.env.GRAFT_ASSETS || join(import.meta.dirname, '..', '..', '..', 'assets');
  if (!existsSync(join(dir, 'README.md'))) throw new Error(`reference assets not found at ${dir}; set GRAFT_ASSETS`);
  return join(dir, ...parts);
}
