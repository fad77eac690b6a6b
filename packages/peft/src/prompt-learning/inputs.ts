/**
 * The inputs prompt learning rewrites, as PEFT's `PeftModelFor…` forwards do: the model is
 * called with one object of @graft/models' inputs (read structurally: peft does not import
 * models), the attention mask gains the virtual tokens first (always attended), and position ids
 * are dropped with PEFT's warning, since the model numbers positions itself around the prompt.
 */
import { concat, ones, type Tensor } from '@graft/core';
import type { AnyModule } from '@graft/nn';
import { show } from '../config/fields';
import { PeftAdapterError } from '../errors';

/** The fields of a text model's inputs that prompt learning reads (`ModelInputs` of @graft/models); the others pass through. */
export interface PromptInputs {
  inputIds?: Tensor | null;
  inputsEmbeds?: Tensor | null;
  attentionMask?: Tensor | null;
  tokenTypeIds?: Tensor | null;
  positionIds?: Tensor | null;
  labels?: Tensor | null;
  startPositions?: Tensor | null;
  endPositions?: Tensor | null;
  [field: string]: unknown;
}

/** The inputs of one call, with the batch size and length read from `inputIds` (or `inputsEmbeds`). */
export interface PreparedInputs {
  inputs: PromptInputs;
  batch: number;
  length: number;
  device: string;
}

const isTensor = (v: unknown): v is Tensor =>
  typeof v === 'object' && v !== null && Array.isArray((v as Tensor).shape) && typeof (v as Tensor).dtype === 'string';

/**
 * The single inputs object of a call, checked to hold `inputIds` or `inputsEmbeds`, with its
 * position ids dropped (PEFT: "Position ids are not supported for parameter efficient tuning").
 */
export function promptInputs(args: readonly unknown[], peftType: string, warn: (message: string) => void): PreparedInputs {
  const first = args[0];
  const ref = typeof first === 'object' && first !== null ? ((first as PromptInputs).inputIds ?? (first as PromptInputs).inputsEmbeds) : undefined;
  if (args.length !== 1 || !isTensor(ref) || ref.rank < 2) {
    throw new PeftAdapterError(
      'peft_adapter_inputs',
      `${peftType}: the model must be called with one object of inputs holding inputIds [batch, length] (or inputsEmbeds), as @graft/models' models are; got ${args.length === 1 ? show(Object.keys((first as object | null) ?? {})) : `${args.length} arguments`}`,
    );
  }
  const inputs = { ...(first as PromptInputs) };
  if (inputs.positionIds) {
    warn('Position ids are not supported for parameter efficient tuning. Ignoring position ids.');
    inputs.positionIds = null;
  }
  return { inputs, batch: ref.shape[0], length: ref.shape[1], device: ref.device };
}

/** `[B, T + L]`: T ones (the virtual tokens, always attended) before the mask; null stays null (every token attends). */
export function maskWithPrompt(mask: Tensor | null | undefined, virtualTokens: number): Tensor | null {
  if (!mask) return null;
  const dtype = mask.dtype === 'bool' ? 'int32' : mask.dtype;
  const prefix = ones([mask.shape[0], virtualTokens], { dtype, device: mask.device });
  return concat([mask.dtype === 'bool' ? prefix.cast('bool') : prefix, mask], 1);
}

/** The device of a model's first parameter (undefined for a model without parameters: the default device). */
export function modelDevice(model: AnyModule): string | undefined {
  return model.parameters()[0]?.device;
}
