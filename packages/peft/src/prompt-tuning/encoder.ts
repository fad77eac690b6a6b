/**
 * PromptEmbedding (PEFT's): the soft prompt of one adapter, `embedding.weight`
 * `[num_virtual_tokens, token_dim]`, saved as `prompt_embeddings`. It starts as PEFT starts it:
 * N(0, 1) (`RANDOM`), or the model's word embeddings of given token ids (`TEXT`: the ids repeated
 * or cut to the prompt's length; `SAMPLE_VOCAB`: ids drawn uniformly from the vocabulary), copied
 * as float32. The word embeddings are found once and remembered by path, not held: they stay the
 * model's, frozen, and out of the adapter's parameters.
 */
import { type Generator, noGrad, scope, type Tensor, tensor } from '@graft/core';
import { Embedding } from '@graft/nn';
import { type PromptFileTensor, PromptEncoder } from '../tuners/prompt-encoder';

/** What building a PromptEmbedding needs besides its size. */
export interface PromptEmbeddingOptions {
  /** The path of the model's word embeddings (`bert.embeddings.word_embeddings`). */
  wordEmbeddings: string;
  /** Token ids whose word embeddings start the prompt (`TEXT`, `SAMPLE_VOCAB`), or null for N(0, 1). */
  initIds: number[] | null;
  /** The model's word embeddings, to read the init rows from (needed with `initIds`). */
  words: Embedding | null;
  /** The generator a random prompt comes from (a zero-drawing one when weights are loaded next). */
  generator: Generator | undefined;
  device: string | undefined;
}

/** One prompt-tuning adapter's soft prompt. */
export class PromptEmbedding extends PromptEncoder {
  /** The soft prompt, one row per virtual token. */
  embedding: Embedding;
  /** Where the model's word embeddings are (a path string: discovery does not descend into it). */
  readonly wordEmbeddings: string;

  constructor(virtualTokens: number, tokenDim: number, o: PromptEmbeddingOptions) {
    super();
    this.wordEmbeddings = o.wordEmbeddings;
    this.embedding = new Embedding(virtualTokens, tokenDim, { generator: o.generator, device: o.device });
    if (o.initIds && o.words) {
      const ids = repeatTo(o.initIds, virtualTokens);
      const words = o.words;
      scope(() =>
        noGrad(() => {
          const rows = words.call(tensor(ids, { dtype: 'int32', device: words.weight.device }));
          this.embedding.weight.assign(rows.cast('float32').to(this.embedding.weight.device));
        }),
      );
    }
  }

  /** The prompt `[T, D]`. */
  prompt(): Tensor {
    return this.embedding.weight;
  }

  /** `prompt_embeddings`: the table itself. */
  fileTensors(): PromptFileTensor[] {
    return [{ fileKey: 'prompt_embeddings', tensor: this.embedding.weight, computed: false }];
  }
}

/** `ids` repeated, then cut, to `n` (PEFT's trim-or-repeat of the init text's tokens). */
export function repeatTo(ids: readonly number[], n: number): number[] {
  return Array.from({ length: n }, (_, i) => ids[i % ids.length]);
}
