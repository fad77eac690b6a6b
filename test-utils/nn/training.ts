/**
 * Training runs for the conformance suite: optimizer steps (with schedulers and clipping) and
 * tiny end-to-end learning runs, each on a target device and dtype, returning what the suite
 * compares. A run never reads inside its loop: losses stay on the device and are read once at
 * the end, as a training loop on WebGPU should.
 */
import { crossEntropy, type DType, Generator, memory, type MemoryInfo, mseLoss, randint, randn, scope, type Tensor } from '@graft/core';
import {
  BatchNorm2d,
  clipGradNorm,
  Conv2d,
  Flatten,
  GELU,
  LayerNorm,
  Linear,
  LrScheduler,
  MaxPool2d,
  ReLU,
  Sequential,
  type Module,
  type Optimizer,
  type Parameter,
} from '@graft/nn';
import { readAll, type Target } from './harness';

/** Options every model builder of this file takes. */
interface ModelOptions {
  generator: Generator;
  dtype: DType;
}

/** The model family of the optimizer runs: Linear → GELU → LayerNorm → Linear. */
export const mlp = (o: ModelOptions) => new Sequential(new Linear(4, 6, o), new GELU(), new LayerNorm(6, o), new Linear(6, 3, o));

/** A small CNN: Conv2d → BatchNorm2d → ReLU → MaxPool2d → Flatten → Linear. */
export const cnn = (o: ModelOptions) =>
  new Sequential(new Conv2d(1, 3, 3, { ...o, padding: 1 }), new BatchNorm2d(3, o), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(12, 2, o));

/**
 * `build` on the target: built on the CPU from a fixed seed, given the float32 model's exact
 * values when the target dtype differs, then moved with `module.to`.
 */
export function modelOn(build: (o: ModelOptions) => Sequential, target: Target): Sequential {
  const base = build({ generator: new Generator(7), dtype: 'float32' });
  if (target.dtype === 'float32') return base.to(target.device);
  const m = build({ generator: new Generator(7), dtype: target.dtype });
  m.loadStateDict(base.stateDict());
  base.dispose();
  return m.to(target.device);
}

/** Host tensors created on the CPU in float32, moved (and cast) to the target. */
export function onTarget(t: Tensor, target: Target): Tensor {
  const typed = t.dtype === 'float32' && target.dtype !== 'float32' ? t.cast(target.dtype) : t;
  return typed.to(target.device);
}

/** What an optimizer run ends with: every parameter, every state tensor, and the lr of each step. */
export interface OptimizerRun {
  values: Map<string, Float64Array>;
  lrs: number[];
}

/**
 * `steps` steps of an MSE regression on the MLP with the optimizer `makeOpt` builds (and the
 * scheduler `makeScheduler` builds, if any); `afterBackward` gets to change the gradients (clipping).
 */
export async function optimizerRun(
  target: Target,
  makeOpt: (params: Parameter[], model: Module) => Optimizer<{ lr: number }>,
  opts: { steps?: number; makeScheduler?: (opt: Optimizer<{ lr: number }>) => LrScheduler; afterBackward?: (params: Parameter[]) => void } = {},
): Promise<OptimizerRun> {
  const model = modelOn(mlp, target);
  const gen = new Generator(11);
  const x = onTarget(randn([5, 4], { generator: gen }), target).keep();
  const y = onTarget(randn([5, 3], { generator: gen }), target).keep();
  const opt = makeOpt(model.parameters(), model);
  const sched = opts.makeScheduler?.(opt);
  const lrs: number[] = [];
  try {
    for (let s = 0; s < (opts.steps ?? 3); s++) {
      scope(() => {
        mseLoss(model.call(x), y).backward();
        opts.afterBackward?.(model.parameters());
        opt.step();
        opt.zeroGrad();
        lrs.push(opt.paramGroups[0].lr);
        sched?.step();
      });
    }
    const named: [string, Tensor][] = [
      ...model.namedParameters(),
      ...Object.entries(opt.stateDict().tensors).map(([k, t]) => [`state ${k}`, t] as [string, Tensor]),
    ];
    const values = await readAll(named.map(([, t]) => t));
    return { values: new Map(named.map(([k], i) => [k, values[i]])), lrs };
  } finally {
    opt.disposeState();
    model.dispose();
    x.dispose();
    y.dispose();
  }
}

/**
 * A tiny learning run: `steps` steps of the optimizer `makeOpt` builds, with warmup and clipping,
 * on a fixed batch of the model family `kind`, returning the loss of every step, read once at
 * the end. Throws when live tensors grow between step 10 and the end (beyond the kept losses).
 */
export async function learningCurve(
  target: Target,
  kind: 'mlp' | 'cnn',
  makeOpt: (params: Parameter[]) => Optimizer<{ lr: number }>,
  steps = 30,
): Promise<Float64Array> {
  const model = modelOn(kind === 'mlp' ? mlp : cnn, target);
  const gen = new Generator(5);
  const x = onTarget(kind === 'mlp' ? randn([8, 4], { generator: gen }) : randn([8, 1, 4, 4], { generator: gen }), target).keep();
  const y = onTarget(randint(0, kind === 'mlp' ? 3 : 2, [8], { generator: gen }), target).keep();
  const opt = makeOpt(model.parameters());
  const sched = new LrScheduler(opt, (s) => Math.min(1, (s + 1) / 5));
  const losses: Tensor[] = [];
  let atStep10: MemoryInfo | null = null;
  try {
    for (let s = 0; s < steps; s++) {
      // the curve's own tensors aside (one kept loss per step), memory must be flat after warm-up
      if (s === 10) atStep10 = memory();
      losses.push(
        scope(() => {
          const loss = crossEntropy(model.call(x), y);
          loss.backward();
          clipGradNorm(model.parameters(), 1);
          opt.step();
          opt.zeroGrad();
          sched.step();
          return loss.detach();
        }).keep(),
      );
    }
    const end = memory();
    const grown = end.tensors - atStep10!.tensors;
    if (grown !== steps - 10) throw new Error(`live tensors grew by ${grown} from step 10 to step ${steps}, expected ${steps - 10} (the kept losses)`);
    return Float64Array.from(await readAll(losses), (v) => v[0]);
  } finally {
    for (const l of losses) l.dispose();
    opt.disposeState();
    model.dispose();
    x.dispose();
    y.dispose();
  }
}
