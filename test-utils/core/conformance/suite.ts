/**
 * The conformance suite as a function of a device name: every forward case and every gradient
 * case runs on that device and, in float64, on the CPU reference; results are compared with the
 * shared tolerance table. Two coverage tests fail when a kernel (each unary, binary and reduce op,
 * each fused kernel the backend has) or a differentiable gradient rule was never exercised.
 * Everything is read with `await t.data()`, so it runs on backends without synchronous reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose, tolerance } from '../../close';
import { thrown } from '../../thrown';
import * as g from '@graft/core';
import {
  BINARY_OPS,
  DTypeError,
  Generator,
  getBackend,
  gradRules,
  isFloat,
  KERNEL_OPS,
  REDUCE_OPS,
  scope,
  UNARY_OPS,
  type AnyKernelOp,
  type GradNode,
  type KernelTable,
  type Tensor,
  type TensorView,
} from '@graft/core';
import { floatOnlyCases, promotingUnaryCases } from './dtype-cases';
import { forwardCases } from './forward-cases';
import { gradCases } from './grad-cases';
import { materialize } from './inputs';

const FUSED_OPS = ['softmax', 'logSoftmax', 'gelu', 'layerNorm', 'attention', 'adamwUpdate'] as const;
/** Optional fused backward kernels: the gradient cases must reach each one a backend has. */
const FUSED_BACKWARD_OPS = ['geluBackward', 'layerNormBackward', 'softmaxBackward', 'logSoftmaxBackward'] as const;

const list = (r: Tensor | Tensor[]) => (Array.isArray(r) ? r : [r]);

/** Asserts `actual` (on the device) matches `expected` (the CPU reference) in shape, dtype class and values. */
async function compare(actual: Tensor, expected: Tensor, backendName: string, cls: Parameters<typeof tolerance>[2], what: string) {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  const refDType = expected.dtype === 'float64' ? 'float32' : expected.dtype;
  expect(actual.dtype === 'float16' ? 'float32' : actual.dtype, `${what}: dtype`).toBe(refDType);
  const tol = tolerance(actual.dtype, backendName, cls);
  const got = await actual.data();
  const want = await expected.data();
  try {
    expectClose(got, want, tol);
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`);
  }
}

/** Instruments a backend's kernel table to record which kernels (and which unary/binary/reduce ops) ran. */
function recordKernels(kernels: KernelTable, seen: Set<string>, active: () => boolean): () => void {
  const original = { ...kernels };
  // any kernel, single- or multi-output: the wrapper passes its arguments through unchanged
  type AnyKernel = (inputs: TensorView[], out: TensorView & TensorView[], attrs: unknown) => void;
  const table = kernels as Record<string, AnyKernel>;
  for (const [op, kernel] of Object.entries(original) as [AnyKernelOp, AnyKernel][]) {
    table[op] = (inputs, out, attrs) => {
      if (active()) {
        const sub = (attrs as { op?: string }).op;
        seen.add(sub ? `${op}:${sub}` : op);
      }
      kernel(inputs, out, attrs);
    };
  }
  return () => Object.assign(table, original);
}

/** Registers the suite for `device`; `skip` (a reason) skips it with that reason in the test name. */
export function conformanceSuite(device: string, opts: { skip?: string | null } = {}): void {
  const title = opts.skip ? `conformance on ${device} (skipped: ${opts.skip})` : `conformance on ${device}`;
  (opts.skip ? describe.skip : describe)(title, () => {
    const seen = new Set<string>();
    let recording = false;
    let restore = () => {};
    let backendName = device;
    beforeAll(() => {
      const backend = getBackend(device);
      backendName = backend.name;
      restore = recordKernels(backend.kernels, seen, () => recording);
    });
    afterAll(() => restore());

    const onDevice = <T>(fn: () => T): T => {
      recording = true;
      try {
        return fn();
      } finally {
        recording = false;
      }
    };

    describe('forward', () => {
      it.each(forwardCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
        const actual = onDevice(() => scope(() => list(c.fn(...c.inputs.map((h) => materialize(h, device, false))))));
        const expected = scope(() => list(c.fn(...c.inputs.map((h) => materialize(h, 'cpu', true)))));
        try {
          expect(actual.length).toBe(expected.length);
          for (let i = 0; i < actual.length; i++) await compare(actual[i], expected[i], backendName, c.cls, `output ${i}`);
        } finally {
          for (const t of [...actual, ...expected]) t.dispose();
        }
      });

      it('exercised every primitive kernel, every unary/binary/reduce op and every fused kernel', () => {
        const kernels = getBackend(device).kernels;
        const want = [
          ...KERNEL_OPS.filter((op) => !['unary', 'binary', 'reduce', 'argReduce'].includes(op)),
          ...UNARY_OPS.map((op) => `unary:${op}`),
          ...BINARY_OPS.map((op) => `binary:${op}`),
          ...REDUCE_OPS.map((op) => `reduce:${op}`),
          'argReduce:argmax',
          'argReduce:argmin',
          ...FUSED_OPS.filter((op) => kernels[op]),
        ];
        expect(want.filter((k) => !seen.has(k))).toEqual([]);
      });
    });

    describe('dtype rules', () => {
      const ints = () => g.tensor([1, 2, 3, 4], { shape: [2, 2], dtype: 'int32', device });

      it.each(floatOnlyCases.map((c) => [c.op, c] as const))('%s of an int32 or bool tensor throws a DTypeError naming the op and the cast', (op, c) => {
        scope(() => {
          for (const x of [ints(), g.gt(ints(), 2)]) {
            const e = thrown(() => onDevice(() => c.fn(x)), DTypeError);
            expect(e.message).toMatch(new RegExp(`^${op}\\(\\): the (input|query|logits|log-probabilities) is ${x.dtype} \\[2, 2\\]`));
            expect(e.message).toContain(".cast('float32')");
          }
        });
      });

      it.each(promotingUnaryCases.map((c) => [c.op, c] as const))('%s of an int32 tensor is computed in float32', async (_op, c) => {
        const [got, want] = scope(() => onDevice(() => [c.fn(ints()), c.fn(g.cast(ints(), 'float32'))]));
        try {
          expect(got.dtype).toBe('float32');
          expectClose(await got.data(), await want.data(), { atol: 0, rtol: 0 });
        } finally {
          got.dispose();
          want.dispose();
        }
      });

      it('matmul does not promote: int32 · float32 throws, int32 · int32 is exact', async () => {
        const e = thrown(() => onDevice(() => g.matmul(ints(), g.cast(ints(), 'float32'))), DTypeError);
        expect(e.message).toMatch(/^matmul\(\): the operands are int32 \[2, 2\] and float32 \[2, 2\]; .*cast a with \.cast\('float32'\)/);
        expect(() => onDevice(() => g.matmul(g.gt(ints(), 1), g.gt(ints(), 1)))).toThrow(DTypeError);
        const product = onDevice(() => scope(() => g.matmul(ints(), ints())));
        expect(product.dtype).toBe('int32');
        expect(Array.from(await product.data())).toEqual([7, 10, 15, 22]);
        product.dispose();
      });
    });

    describe('gradients', () => {
      const seenRules = new Set<string>();
      const visit = (node: GradNode | null, visited: Set<GradNode>) => {
        if (!node || visited.has(node)) return;
        visited.add(node);
        seenRules.add(node.op);
        for (const e of node.edges) visit(e?.node ?? null, visited);
      };

      const grads = (c: (typeof gradCases)[number], dev: string, reference: boolean): { grads: Tensor[]; leaves: Tensor[] } => {
        const wrt = c.wrt ?? c.inputs.flatMap((h, i) => (isFloat(h.dtype) ? [i] : []));
        const leaves = c.inputs.map((h, i) => materialize(h, dev, reference, wrt.includes(i)));
        scope(() => {
          const out = c.fn(...leaves);
          if (!reference) visit(out._node, new Set());
          const w = new Generator(99).normal(out.size, 'float64');
          g.sum(g.mul(out, g.tensor(Array.from(w), { shape: out.shape, dtype: out.dtype, device: dev }))).backward();
        });
        return { grads: wrt.map((i) => leaves[i].grad ?? g.zerosLike(leaves[i])), leaves };
      };

      it.each(gradCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
        const actual = onDevice(() => grads(c, device, false));
        const expected = grads(c, 'cpu', true);
        try {
          for (let i = 0; i < actual.grads.length; i++) await compare(actual.grads[i], expected.grads[i], backendName, 'gradient', `gradient ${i}`);
        } finally {
          for (const t of [...actual.leaves, ...expected.leaves, ...actual.grads, ...expected.grads]) t.dispose();
        }
      });

      it('covered every differentiable gradient rule', () => {
        const kernels = getBackend(device).kernels;
        const fusedMissing = new Set<string>(FUSED_OPS.filter((op) => !kernels[op]));
        const differentiable = Object.keys(gradRules).filter((op) => !fusedMissing.has(op));
        expect(differentiable.filter((op) => !seenRules.has(op))).toEqual([]);
        expect(FUSED_BACKWARD_OPS.filter((op) => kernels[op] && !seen.has(op))).toEqual([]);
      });
    });
  });
}
