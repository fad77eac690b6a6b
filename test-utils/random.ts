/**
 * Seeded randomness for property and fuzz tests, drawn from core's own generator (Philox), so a
 * failing case reproduces from its seed and no test carries a PRNG of its own.
 */
import { Generator } from '@graft/core';

/** Uniform numbers in [0, 1) from `seed`, one per call (drawn in blocks of 4096). */
export function uniformStream(seed: number): () => number {
  const generator = new Generator(seed);
  let block: Float64Array = new Float64Array(0);
  let next = 0;
  return () => {
    if (next === block.length) {
      block = generator.uniform(4096, 'float64') as Float64Array;
      next = 0;
    }
    return block[next++];
  };
}
