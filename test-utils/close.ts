/** Numeric comparison for tests, with the tolerance table every backend shares. */
import { expect } from 'vitest';

export type OpClass = 'elementwise' | 'reduction' | 'matmul' | 'composite' | 'gradient';

/**
 * One tolerance table per (dtype, backend, op class). Entries that differ from the default
 * carry a comment saying why.
 */
export const TOLERANCES: Record<string, Partial<Record<OpClass, { atol: number; rtol: number }>> & { default: { atol: number; rtol: number } }> = {
  'float64:cpu': { default: { atol: 1e-12, rtol: 1e-10 } },
  'float32:cpu': { default: { atol: 1e-6, rtol: 1e-5 }, matmul: { atol: 1e-5, rtol: 1e-5 } },
  // GPU math (exp, erf, division) is not correctly rounded, and reductions run in a different order
  'float32:webgpu': { default: { atol: 1e-5, rtol: 1e-4 }, matmul: { atol: 1e-4, rtol: 1e-4 }, composite: { atol: 1e-4, rtol: 1e-4 } },
  // float16 storage (shader-f16): 11-bit mantissa, so about 3 decimal digits per stored value
  'float16:webgpu': { default: { atol: 2e-2, rtol: 1e-2 } },
};

export function tolerance(dtype: string, backend: string, opClass: OpClass = 'elementwise') {
  const row = TOLERANCES[`${dtype}:${backend}`] ?? TOLERANCES['float32:cpu'];
  return row[opClass] ?? row.default;
}

/** Asserts `|a - e| <= atol + rtol·|e|` elementwise (NaN matches NaN), naming the first mismatch. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: { atol?: number; rtol?: number } = {}) {
  const { atol = 1e-6, rtol = 1e-5 } = tol;
  expect(actual.length, 'length').toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = Number(actual[i]);
    const e = Number(expected[i]);
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (a === e) continue;
    const ok = Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) expect.fail(`element ${i}: got ${a}, expected ${e} (atol ${atol}, rtol ${rtol})`);
  }
}

/** Flattens nested arrays of numbers. */
export function flat(x: unknown): number[] {
  return Array.isArray(x) ? x.flatMap(flat) : [Number(x)];
}
