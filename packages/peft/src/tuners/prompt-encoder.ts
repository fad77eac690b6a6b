/**
 * PromptEncoder: the tensors of one prompt-learning adapter (prefix tuning's prefix, prompt
 * tuning's soft prompt), PEFT's `PeftModel.prompt_encoder[name]`. Prompt learning changes the
 * model's inputs rather than its modules, so these adapters do not sit inside the model as
 * adapter layers do: the TunerModel keeps them beside it, as `prompt_encoder.<adapter>`, and the
 * method's `forward` hands the active one's prompt to the model's call.
 */
import type { Tensor } from '@graft/core';
import { Module, ModulePathError } from '@graft/nn';

/** A tensor of a prompt-learning adapter as PEFT's file holds it. */
export interface PromptFileTensor {
  /** Its key in adapter_model.safetensors (`prompt_embeddings`). */
  fileKey: string;
  /** A parameter of the encoder, or a value computed for the file. */
  tensor: Tensor;
  /**
   * Made for the file from the encoder's parameters (PEFT saves a projected prefix, not the MLP
   * that projects it): nothing can be loaded into it, and whoever asked for it disposes it.
   */
  computed: boolean;
}

/** The base class of a prompt-learning adapter's module. */
export abstract class PromptEncoder extends Module<never[], never> {
  /** The tensors PEFT's adapter file holds for this adapter (parameters, or values computed for the file). */
  abstract fileTensors(): PromptFileTensor[];

  /** Prompt encoders are read by their method's forward, never called. */
  forward(): never {
    throw new ModulePathError(`${this.constructor.name} holds a prompt-learning adapter's tensors; the PeftModel's call runs it`);
  }
}
