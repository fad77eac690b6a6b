/**
 * A training-memory estimate for a BERT-family encoder: weights, gradients, AdamW's two moments,
 * and the activations autograd keeps for the backward pass at a given batch size and sequence
 * length. The activation count follows the accounting of Korthikanti et al. (2022, "Reducing
 * Activation Recomputation in Large Transformer Models") per layer, adapted to float32 and to
 * attention without a fused kernel (the [B, heads, L, L] scores, probabilities and dropout mask
 * are stored, which is what dominates at long lengths). It is an estimate to compare settings,
 * not a guarantee: allocator slack and temporaries come on top.
 */

/** The shape facts the estimate needs (config.json names). */
export interface EncoderShape {
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  vocab_size: number;
}

/** Parameter counts and what to estimate for. */
export interface MemoryEstimateInput {
  shape: EncoderShape;
  parameters: number;
  trainableParameters: number;
  batchSize: number;
  sequenceLength: number;
  /** Bytes per element of weights and activations (4 for float32). */
  bytesPerElement?: number;
  /** The head's output per token (vocab_size for masked LM) or per sequence (num_labels). */
  head: { kind: 'sequence'; numLabels: number } | { kind: 'token'; outputs: number };
}

/** Bytes by part. */
export interface MemoryEstimate {
  weights: number;
  gradients: number;
  optimizerState: number;
  activations: number;
  total: number;
}

/** The estimate; every part in bytes. */
export function estimateTrainingMemory(input: MemoryEstimateInput): MemoryEstimate {
  const e = input.bytesPerElement ?? 4;
  const { hidden_size: h, num_hidden_layers: layers, num_attention_heads: a, intermediate_size: i } = input.shape;
  const b = input.batchSize;
  const s = input.sequenceLength;
  const tokens = b * s;
  // per layer, in elements saved for backward:
  //  attention: the block input (shared by Q, K, V), Q, K, V, the context, the output projection's
  //  input to the residual and the LayerNorm input and output: 8·h per token; scores' softmax output
  //  and the dropped-out probabilities: 2·a·s per token
  //  feed-forward: its input, the pre-GELU and post-GELU intermediates (2·i), the LayerNorm input
  //  and output: 3·h + 2·i per token
  const perLayerFloats = tokens * (11 * h + 2 * i) + 2 * b * a * s * s;
  // dropout masks are stored as one byte per element: two on h-sized outputs, one on the probabilities
  const perLayerMaskBytes = tokens * 3 * h + b * a * s * s;
  // embeddings: the three lookups' sum, its LayerNorm input and output
  const embeddingFloats = 3 * tokens * h;
  // the head: logits and their log-softmax for the loss
  const headFloats = input.head.kind === 'token' ? 2 * tokens * input.head.outputs + tokens * h : 2 * b * input.head.numLabels + 2 * b * h;
  const activations = (layers * perLayerFloats + embeddingFloats + headFloats) * e + layers * perLayerMaskBytes;
  const weights = input.parameters * e;
  const gradients = input.trainableParameters * e;
  const optimizerState = 2 * input.trainableParameters * e;
  return { weights, gradients, optimizerState, activations, total: weights + gradients + optimizerState + activations };
}

/** `12345678` → `11.8 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}
