/**
 * PrefixEncoder (PEFT's): the prefix of one adapter, `[num_virtual_tokens, num_layers·2·token_dim]`
 * with each row laid out as layer 0's key, layer 0's value, layer 1's key, … (`token_dim` =
 * heads × head width), which is how PEFT's `get_prompt` views it. Without projection the
 * prefix is the `embedding` table itself; with `prefix_projection` (while training) it is
 * `transform(embedding)`, a `Linear → tanh → Linear` MLP over a `[num_virtual_tokens, token_dim]`
 * table, and PEFT's file holds the MLP's output, not the MLP: such a file loads for inference
 * only, as a plain table. In-memory names are PEFT's (`embedding.weight`, `transform.0.weight`).
 */
import { type Generator, noGrad, scope, type Tensor } from '@graft/core';
import { Embedding, Linear, Sequential, Tanh } from '@graft/nn';
import { type PromptFileTensor, PromptEncoder } from '../tuners/prompt-encoder';
import type { PrefixTuningConfig } from './config';

/** What building a PrefixEncoder needs besides the config. */
export interface PrefixEncoderOptions {
  /** The generator initial values come from (a zero-drawing one when weights are loaded next). */
  generator: Generator | undefined;
  device: string | undefined;
}

/** One prefix-tuning adapter's tensors. */
export class PrefixEncoder extends PromptEncoder {
  /** The prefix (`[T, L·2·D]`), or with projection the per-token inputs of the MLP (`[T, D]`). */
  embedding: Embedding;
  /** The projection MLP (`prefix_projection` while training), else null. */
  transform: Sequential | null;

  constructor(config: PrefixTuningConfig, o: PrefixEncoderOptions) {
    super();
    const [t, d, layers] = [config.num_virtual_tokens!, config.token_dim!, config.num_layers!];
    const opts = { generator: o.generator, device: o.device };
    // PEFT builds the MLP only when training: an adapter in inference mode is the projected table
    if (config.prefix_projection && !config.inference_mode) {
      this.embedding = new Embedding(t, d, opts);
      const hidden = config.encoder_hidden_size ?? d;
      this.transform = new Sequential(new Linear(d, hidden, opts), new Tanh(), new Linear(hidden, layers * 2 * d, opts));
    } else {
      this.embedding = new Embedding(t, layers * 2 * d, opts);
      this.transform = null;
    }
  }

  /** The prefix `[T, L·2·D]` (the MLP's output with projection). */
  prefix(): Tensor {
    return this.transform ? this.transform.call(this.embedding.weight) : this.embedding.weight;
  }

  /** `prompt_embeddings`: the table itself, or with projection the MLP's output (PEFT's `get_prompt_embedding_to_save`). */
  fileTensors(): PromptFileTensor[] {
    if (!this.transform) return [{ fileKey: 'prompt_embeddings', tensor: this.embedding.weight, computed: false }];
    const projected = scope(() => noGrad(() => this.prefix().keep()));
    return [{ fileKey: 'prompt_embeddings', tensor: projected, computed: true }];
  }
}
