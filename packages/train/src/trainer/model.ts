/**
 * The model contract of the Trainer (structural, so @graft/models, a PEFT-wrapped model and a
 * hand-written nn module all fit): an nn `Module` whose `call(batch)` returns `{ loss?, logits? }`,
 * and optionally `toPretrainedFilesAsync()` / `toPretrainedFiles()` (as @graft/models' models have)
 * for checkpoints in the model's own file layout.
 */
import type { Tensor } from '@graft/core';
import type { AnyModule } from '@graft/nn';

/** What the model returns for a batch: the loss when the batch has labels, and the logits. */
export interface ModelOutput {
  loss?: Tensor;
  logits?: Tensor;
}

/** A model the Trainer can train on batches of type `B`. */
export type TrainableModel<B> = AnyModule & {
  /** The forward pass over a batch. */
  call(batch: B): ModelOutput;
  /** The model's files in its own layout (HF: `config.json` + `model.safetensors`), used for checkpoints. */
  toPretrainedFiles?(): Map<string, Uint8Array> | Promise<Map<string, Uint8Array>>;
  /** The same files read from any device (preferred when present: the CPU-only sync read fails on WebGPU). */
  toPretrainedFilesAsync?(): Promise<Map<string, Uint8Array>>;
};
