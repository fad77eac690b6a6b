/**
 * The mask arguments of attention, checked and made additive. The layers take PyTorch's
 * conventions: a bool mask is true where attention is NOT allowed (padding keys, blocked
 * pairs), a float mask is added to the scores. An integer mask is rejected, as PyTorch rejects
 * it: the integer mask users hold is a Hugging Face `attention_mask` (1 = real token, 0 =
 * padding), the opposite of the bool convention, and adding its 0s and 1s to the scores would
 * silently mask nothing.
 */
import { formatShape, isFloat, shapesEqual, type Tensor, where, zeros } from '@graft/core';
import { AttentionMaskError } from '../errors';

/** The sizes a call's masks must fit: batch, query length, key length and heads. */
export interface MaskDims {
  n: number;
  l: number;
  s: number;
  heads: number;
}

/** How the user called the masks (a Transformer layer's `srcKeyPaddingMask` is an attention's `keyPaddingMask`). */
export interface MaskNames {
  keyPaddingMask: string;
  attnMask: string;
  isCausal: string;
}

/** MultiheadAttention's own argument names. */
export const ATTENTION_MASK_NAMES: MaskNames = { keyPaddingMask: 'keyPaddingMask', attnMask: 'attnMask', isCausal: 'isCausal' };

/** What to do with an integer mask, for each kind of mask. */
const INTEGER_MASK_HELP = {
  keyPadding:
    'integer masks are ambiguous. A Hugging Face attention_mask marks real tokens with 1 and padding with 0; ' +
    "PyTorch's key_padding_mask (what this layer takes) is bool and marks padding with true (ignored); a float mask is added to the scores " +
    '(0 = attend, -Infinity = ignore). Convert an attention_mask with toKeyPaddingMask(attentionMask) (that is, attentionMask.eq(0)), ' +
    'or take keyPaddingMask from encodingsToTensors(encodings)',
  attn:
    "integer masks are ambiguous. This layer takes PyTorch's conventions: a bool mask is true where a query may NOT attend to a key, " +
    'a float mask is added to the scores (0 = attend, -Infinity = blocked). For a 0/1 matrix with 1 = may attend, pass mask.eq(0)',
};

/** Throws unless `mask` is a bool or float tensor on `device` of one of `shapes`. */
function checkMask(name: string, mask: unknown, device: string, shapes: { shape: number[]; meaning: string }[], help: string): asserts mask is Tensor {
  if (typeof mask !== 'object' || mask === null || !('dtype' in mask) || !('shape' in mask)) {
    throw new AttentionMaskError(`${name} must be a Tensor (bool or float), got ${typeof mask === 'object' ? 'an object' : typeof mask}`);
  }
  const m = mask as Tensor;
  if (m.dtype !== 'bool' && !isFloat(m.dtype)) throw new AttentionMaskError(`${name} is ${m.dtype}: ${help}`);
  if (!shapes.some(({ shape }) => shapesEqual(m.shape, shape))) {
    const want = shapes.map(({ shape, meaning }) => `${formatShape(shape)} (${meaning})`).join(' or ');
    throw new AttentionMaskError(`${name} has shape ${formatShape(m.shape)}; it should be ${want}`);
  }
  if (m.device !== device) throw new AttentionMaskError(`${name} is on '${m.device}' but the query is on '${device}': move it with .to('${device}')`);
}

/**
 * Checks the masks of one attention call: dtype (bool or float, never integer), shape (key
 * padding `[N, S]`; attention `[L, S]` or `[N·heads, L, S]`), device, and that the causal flag
 * is a boolean. Throws AttentionMaskError naming the argument as the caller knows it.
 */
export function checkAttentionMasks(
  masks: { keyPaddingMask?: Tensor | null; attnMask?: Tensor | null; isCausal?: boolean },
  dims: MaskDims,
  device: string,
  names: MaskNames = ATTENTION_MASK_NAMES,
): void {
  const { n, l, s, heads } = dims;
  if (masks.keyPaddingMask != null) {
    checkMask(names.keyPaddingMask, masks.keyPaddingMask, device, [{ shape: [n, s], meaning: 'batch, key length' }], INTEGER_MASK_HELP.keyPadding);
  }
  if (masks.attnMask != null) {
    const shapes = [
      { shape: [l, s], meaning: 'query length, key length' },
      { shape: [n * heads, l, s], meaning: 'batch·heads, query length, key length' },
    ];
    checkMask(names.attnMask, masks.attnMask, device, shapes, INTEGER_MASK_HELP.attn);
  }
  if (masks.isCausal != null && typeof masks.isCausal !== 'boolean') {
    throw new AttentionMaskError(`${names.isCausal} must be true or false, got ${typeof masks.isCausal}; a causal mask tensor goes in ${names.attnMask}`);
  }
}

/** A checked mask (bool: true = blocked, or additive float) as an additive float mask of `dtype`. */
export function additiveMask(mask: Tensor, dtype: Tensor['dtype']): Tensor {
  return mask.dtype === 'bool' ? where(mask, -Infinity, zeros([], { dtype, device: mask.device })) : mask.cast(dtype);
}

/**
 * A Hugging Face `attention_mask` (`[N, S]`, 1 = real token, 0 = padding; int32, float or bool)
 * as PyTorch's `key_padding_mask`: a bool tensor that is true at padding, which attention layers
 * ignore. `encodingsToTensors` returns both already.
 */
export function toKeyPaddingMask(attentionMask: Tensor): Tensor {
  if (attentionMask.rank !== 2) {
    throw new AttentionMaskError(`toKeyPaddingMask: an attention_mask is [batch, sequence length], got ${formatShape(attentionMask.shape)}`);
  }
  return attentionMask.dtype === 'bool' ? attentionMask.logicalNot() : attentionMask.eq(0);
}
