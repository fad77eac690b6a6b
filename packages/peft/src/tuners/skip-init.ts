/**
 * A generator whose draws are all zero, for building adapter layers whose weights are loaded
 * next (and for LoRA's zero-initialised B): nn's layers draw their default initialisation from
 * the generator they are given, and loading an adapter should neither pay for random draws nor
 * move the global generator (which would change every later dropout mask of a seeded run).
 */
import { Generator } from '@graft/core';

/** A Generator whose uniform and normal draws are zeros. */
export class SkipInitGenerator extends Generator {
  override uniform(n: number, dtype?: 'float32'): Float32Array;
  override uniform(n: number, dtype: 'float64'): Float64Array;
  override uniform(n: number, dtype: 'float32' | 'float64' = 'float32'): Float32Array | Float64Array {
    return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  }

  override normal(n: number, dtype?: 'float32', mean?: number, std?: number): Float32Array;
  override normal(n: number, dtype: 'float64', mean?: number, std?: number): Float64Array;
  override normal(n: number, dtype: 'float32' | 'float64' = 'float32'): Float32Array | Float64Array {
    return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  }
}

/** The shared zero-drawing generator. */
export const SKIP_INIT = new SkipInitGenerator(0);
