/**
 * The nn conformance suite as a function of a device name. Every layer family and loss runs
 * forward and backward on the device and on the CPU reference, and outputs, input gradients,
 * parameter gradients and buffers are compared with the shared tolerance table; optimizers,
 * schedulers and clipping step on both; tiny learning runs give matching loss curves.
 *
 * The reference is the CPU: in float32 for another device (the same float32 module and inputs
 * on both sides, as issue #6 asks), and in float64 for the CPU itself (the float32 module's exact
 * values, cast up), so the cpu run checks float32 precision rather than comparing with itself.
 */
import { describe, expect, it } from 'vitest';
import { expectClose, type OpClass, tolerance } from '../close';
import {
  Adam,
  AdamW,
  clipGradNorm,
  clipGradValue,
  linearWithWarmup,
  LrScheduler,
  scaleGradients,
  SGD,
  weightDecayGroups,
  type Optimizer,
  type Parameter,
} from '@graft/nn';
import { layerCases } from './layer-cases';
import { lossCases } from './loss-cases';
import { initialState, runCase, type Target } from './harness';
import { sequenceCases } from './sequence-cases';
import { learningCurve, optimizerRun } from './training';
import { deviceMoveTests } from './device-moves';

/** Asserts two named result maps hold the same names and close values, naming the first mismatch. */
export function expectSameResults(got: Map<string, ArrayLike<number>>, want: Map<string, ArrayLike<number>>, tol: { atol: number; rtol: number }): void {
  expect([...got.keys()]).toEqual([...want.keys()]);
  for (const [name, expected] of want) {
    try {
      expectClose(got.get(name)!, expected, tol);
    } catch (e) {
      throw new Error(`${name}: ${(e as Error).message}`);
    }
  }
}

const OPTIMIZERS: { name: string; make: (ps: Parameter[]) => Optimizer<{ lr: number }> }[] = [
  { name: 'SGD', make: (ps) => new SGD(ps, { lr: 0.1 }) },
  { name: 'SGD with Nesterov momentum and weight decay', make: (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 }) },
  { name: 'SGD with momentum and dampening', make: (ps) => new SGD(ps, { lr: 0.05, momentum: 0.8, dampening: 0.1 }) },
  { name: 'Adam with L2 weight decay', make: (ps) => new Adam(ps, { lr: 0.01, weightDecay: 0.01 }) },
  { name: 'Adam with AMSGrad', make: (ps) => new Adam(ps, { lr: 0.01, amsgrad: true }) },
  { name: 'AdamW', make: (ps) => new AdamW(ps, { lr: 0.01 }) },
];

/** Registers the suite for `device`; `skip` (a reason) skips it with that reason in the title. */
export function nnConformanceSuite(device: string, opts: { skip?: string | null } = {}): void {
  const title = opts.skip ? `nn conformance on ${device} (skipped: ${opts.skip})` : `nn conformance on ${device}`;
  const subject: Target = { device, dtype: 'float32' };
  const reference: Target = { device: 'cpu', dtype: device === 'cpu' ? 'float64' : 'float32' };
  const tol = (cls: OpClass) => tolerance('float32', device, cls);
  const bothWays = async <T>(run: (t: Target) => Promise<T>): Promise<[T, T]> => [await run(subject), await run(reference)];

  (opts.skip ? describe.skip : describe)(title, () => {
    describe('layers and losses: outputs, input and parameter gradients, buffers', () => {
      for (const c of [...layerCases, ...sequenceCases, ...lossCases]) {
        it(c.name, async () => {
          const [got, want] = await bothWays((t) => runCase(c, t));
          expectSameResults(got, want, tol(c.cls ?? 'composite'));
        });
      }
    });

    it('layers built directly on the device hold the CPU-built initial values exactly', async () => {
      for (const c of [...layerCases, ...sequenceCases]) expectSameResults(await initialState(c, device), await initialState(c, 'cpu'), { atol: 0, rtol: 0 });
    });

    describe('optimizers: three steps give the same parameters and state', () => {
      for (const { name, make } of OPTIMIZERS) {
        it(name, async () => {
          const [got, want] = await bothWays((t) => optimizerRun(t, make));
          expectSameResults(got.values, want.values, tol('composite'));
        });
      }

      it('AdamW with parameter groups, a warmup schedule and gradient clipping', async () => {
        const run = (t: Target) =>
          optimizerRun(t, (_, model) => new AdamW(weightDecayGroups(model, 0.05), { lr: 0.02 }), {
            steps: 5,
            afterBackward: (ps) => clipGradNorm(ps, 0.5),
            makeScheduler: (opt) => new LrScheduler(opt, linearWithWarmup(2, 6)),
          });
        const [got, want] = await bothWays(run);
        expect(got.lrs).toEqual(want.lrs);
        expect(got.lrs[1]).toBeGreaterThan(0);
        expectSameResults(got.values, want.values, tol('composite'));
      });

      it('SGD after clipGradValue, scaleGradients and clipGradNorm with the infinity norm', async () => {
        const clipAll = (ps: Parameter[]) => {
          clipGradValue(ps, 0.3);
          scaleGradients(ps, 0.5);
          clipGradNorm(ps, 0.1, { normType: Infinity });
        };
        const [got, want] = await bothWays((t) => optimizerRun(t, (ps) => new SGD(ps, { lr: 0.5, momentum: 0.5 }), { afterBackward: clipAll }));
        expectSameResults(got.values, want.values, tol('composite'));
      });
    });

    describe('learning runs: the loss curve matches the reference', () => {
      for (const kind of ['mlp', 'cnn'] as const) {
        it(`${kind}, 30 AdamW steps with warmup and clipping`, async () => {
          const [got, want] = await bothWays((t) => learningCurve(t, kind, (ps) => new AdamW(ps, { lr: 0.05 })));
          // thirty steps of matmuls: the matmul row, the loosest float32 row of the table
          expectClose(got, want, tol('matmul'));
          expect(got[got.length - 1]).toBeLessThan(got[0] * 0.7);
        });
      }
    });

    if (device !== 'cpu') deviceMoveTests(device);
  });
}
