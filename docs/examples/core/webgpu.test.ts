import { setBackend } from '@graft/core';
import { afterAll, expect, it } from 'vitest';
import { expectClose } from '../../../test-utils/close';
import { softmaxOnBestDevice } from './webgpu';

afterAll(() => setBackend('cpu'));

it('computes the row softmax of x·x on WebGPU where an adapter exists (lavapipe in CI), else on the CPU', async () => {
  const lines: string[] = [];
  const { device, values } = await softmaxOnBestDevice((l) => lines.push(l));
  if (process.env.CI) expect(device).toBe('webgpu'); // CI installs lavapipe: a missing adapter must fail there
  // x·x = [[7, 10], [15, 22]]: each row's softmax is [1, e³] and [1, e⁷], normalised
  const row = (d: number) => [1 / (1 + Math.exp(d)), Math.exp(d) / (1 + Math.exp(d))];
  expectClose(values, [...row(3), ...row(7)], { atol: 1e-6, rtol: 1e-5 });
  expect(lines[0]).toMatch(new RegExp(`^default device: ${device}`));
  expect(lines[1]).toBe(`softmax(x·x) = [0.0474, 0.9526, 0.0009, 0.9991] on ${device}`);
});
