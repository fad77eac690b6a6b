import { describe, expect, it } from 'vitest';
import { estimateTrainingMemory, formatBytes } from './memory-estimate';

const tiny = { hidden_size: 128, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 512, vocab_size: 30522 };

describe('estimateTrainingMemory', () => {
  const base = {
    shape: tiny,
    parameters: 4_386_178,
    trainableParameters: 4_386_178,
    batchSize: 32,
    sequenceLength: 128,
    head: { kind: 'sequence' as const, numLabels: 2 },
  };

  it('counts weights once, gradients once and AdamW moments twice per trainable parameter', () => {
    const m = estimateTrainingMemory(base);
    expect(m.weights).toBe(4_386_178 * 4);
    expect(m.gradients).toBe(4_386_178 * 4);
    expect(m.optimizerState).toBe(2 * 4_386_178 * 4);
    expect(m.total).toBe(m.weights + m.gradients + m.optimizerState + m.activations);
    const frozen = estimateTrainingMemory({ ...base, trainableParameters: 1000 });
    expect(frozen.optimizerState).toBe(8000);
  });

  it('grows linearly with the batch and quadratically (attention) with the length', () => {
    const a = estimateTrainingMemory(base).activations;
    expect(estimateTrainingMemory({ ...base, batchSize: 64 }).activations / a).toBeCloseTo(2, 2);
    const long = estimateTrainingMemory({ ...base, sequenceLength: 512 }).activations / a;
    expect(long).toBeGreaterThan(4); // more than linear
    expect(long).toBeLessThan(16); // less than purely quadratic
  });

  it('charges a masked-LM head for its vocab-sized logits', () => {
    const cls = estimateTrainingMemory(base).activations;
    const mlm = estimateTrainingMemory({ ...base, head: { kind: 'token', outputs: 30522 } }).activations;
    expect(mlm - cls).toBeGreaterThan(2 * 32 * 128 * 30522 * 4 * 0.99);
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(17_671_560)).toBe('16.9 MiB');
  });
});
