/**
 * The tracing backend and its GELU kernel: the example's numbers, and then the rule every kernel
 * is held to, the core conformance suite (every primitive, fused kernel and gradient rule against
 * the CPU's float64 reference) run on the plugin backend with the plugin's GELU in place.
 */
import { backends, gelu, geluComposite, getBackend, registerBackend, registerKernel, tensor } from '@graft/core';
import { afterAll, expect, it } from 'vitest';
import { expectClose } from '../../../test-utils/close';
import { conformanceSuite } from '../../../test-utils/core/conformance/suite';
import { geluKernel, runOnTracingBackend, tracingBackend } from './tracing-backend';

afterAll(() => {
  backends.unregister('traced');
  backends.unregister('traced-conformance');
});

it('runs GELU with the plugin kernel and counts the kernels of each op', () => {
  const { values, counts } = runOnTracingBackend('traced');
  const want = geluComposite(tensor([-4, -1, 0, 1, 4])).dataSync();
  expectClose(values, want, { atol: 1e-6, rtol: 1e-5 });
  // x.mul(2) ran the binary kernel once; gelu ran the registered kernel, which is not the counting wrapper
  expect(counts.get('binary:mul')).toBe(1);
  expect(counts.has('gelu')).toBe(false);
  // the kernel walks strides: a transposed view gives the transposed result
  const x = tensor(
    [
      [-1, 0.25, 3],
      [2, -0.5, 0],
    ],
    { device: 'traced' },
  );
  expectClose(
    gelu(x.transpose(0, 1)).dataSync(),
    geluComposite(
      tensor([
        [-1, 0.25, 3],
        [2, -0.5, 0],
      ]).transpose(0, 1),
    ).dataSync(),
    { atol: 1e-6, rtol: 1e-5 },
  );
});

registerBackend(tracingBackend('traced-conformance'));
registerKernel('traced-conformance', 'gelu', geluKernel(getBackend('traced-conformance')));
conformanceSuite('traced-conformance');
