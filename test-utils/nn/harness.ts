/**
 * How one nn conformance case runs on one target (a device and a float dtype): build the module
 * on the CPU from a seeded generator, copy its float32 state into a module of the target dtype,
 * move that module to the target device (`module.to`), run forward, project every output onto
 * fixed random weights, run backward, and read outputs, input gradients, parameter gradients and
 * buffers back with a single `await data()` (one GPU submit per case, since lavapipe is slow).
 * Nothing here reads synchronously, so the same code runs on WebGPU.
 */
import { concat, type DType, Generator, noGrad, randn, scope, scopeAsync, type Tensor } from '@graft/core';
import type { AnyModule, FactoryOptions } from '@graft/nn';
import type { OpClass } from '../close';

/** A case input, created on the CPU in float32 (or int32/bool); `grad` asks for its gradient. */
export interface CaseInput {
  t: Tensor;
  grad?: boolean;
}

/** What `build` gets: the seeded generator (init and dropout masks) and the parameter dtype. */
export type BuildOptions = FactoryOptions & { generator: Generator; dtype: DType };

/** One conformance case: a module, its inputs, and the call whose results are compared. */
export interface LayerCase<M extends AnyModule = AnyModule> {
  name: string;
  build: (opts: BuildOptions) => M;
  inputs: (gen: Generator) => CaseInput[];
  /** The call under test; every float tensor returned is compared (and its projection backpropagated). */
  run: (m: M, xs: Tensor[]) => Tensor | Tensor[];
  /** Calls made (in training mode, without gradients) before `run`, e.g. BatchNorm steps that fill the running statistics. */
  prepare?: (m: M, xs: Tensor[]) => void;
  /** Training (default) or evaluation mode during `run`. */
  mode?: 'train' | 'eval';
  /** The tolerance row's op class (default 'composite'). */
  cls?: OpClass;
}

/** Erases a case's module type so cases of different layers share one list. */
export function layerCase<M extends AnyModule>(c: LayerCase<M>): LayerCase {
  return c as unknown as LayerCase;
}

/** Where a case runs: `cpu`/float64 is the reference of the cpu suite, `cpu`/float32 of the webgpu one. */
export interface Target {
  device: string;
  dtype: 'float32' | 'float64';
}

/** Named results of one run, read back to the host. */
export type Results = Map<string, Float64Array>;

const SEED = 1234;

/**
 * Reads tensors with a single `await data()` (one GPU submit and map instead of one per tensor):
 * each comes back flattened, as float64.
 */
export async function readAll(ts: Tensor[]): Promise<Float64Array[]> {
  if (ts.length === 0) return [];
  const dtype = ts.some((t) => t.dtype === 'float64') ? 'float64' : 'float32';
  const joined = scope(() =>
    noGrad(() =>
      concat(
        ts.map((t) => t.cast(dtype).reshape(-1)),
        0,
      ),
    ),
  );
  try {
    const values = await joined.data();
    let at = 0;
    return ts.map((t) => Float64Array.from(values.subarray(at, (at += t.size))));
  } finally {
    joined.dispose();
  }
}

/** A module built from the case's seed holding exactly `base`'s float32 values, in `dtype`. */
function buildLike(c: LayerCase, base: AnyModule, dtype: DType): AnyModule {
  if (dtype === 'float32') return base;
  const m = c.build({ generator: new Generator(SEED), dtype });
  m.loadStateDict(base.stateDict());
  return m;
}

/** The case's inputs on the target: floats cast to its dtype, moved, and marked for gradients. */
function placeInputs(inputs: CaseInput[], target: Target): Tensor[] {
  return inputs.map(({ t, grad }) => {
    const typed = t.dtype === 'float32' && target.dtype !== 'float32' ? noGrad(() => t.cast(target.dtype)) : t;
    const moved = typed.to(target.device);
    return moved === t ? noGrad(() => t.clone()).requiresGrad_(grad ?? false) : moved.requiresGrad_(grad ?? false);
  });
}

/** Every value to compare, by name (parameters without a gradient are skipped). */
function collect(m: AnyModule, outs: Tensor[], xs: Tensor[], inputs: CaseInput[]): [string, Tensor][] {
  const named: [string, Tensor][] = outs.map((o, i) => [`output ${i}`, o.detach()]);
  xs.forEach((x, i) => {
    if (inputs[i].grad) named.push([`grad of input ${i}`, x.grad ?? x.detach().mul(0)]);
  });
  for (const [k, p] of m.namedParameters()) if (p.grad) named.push([`grad of ${k}`, p.grad]);
  for (const [k, b] of m.namedBuffers()) named.push([`buffer ${k}`, b]);
  return named;
}

/**
 * The initial state of `c`'s module built directly on `device` (`{ device }` in the layer's
 * options: initialisers then upload to it), by state-dict key.
 */
export async function initialState(c: LayerCase, device: string): Promise<Results> {
  const m = c.build({ generator: new Generator(SEED), dtype: 'float32', device });
  try {
    const sd = Object.entries(m.stateDict());
    for (const [k, t] of sd) if (t.device !== device) throw new Error(`${c.name}: ${k} was built on ${t.device}, not ${device}`);
    const values = await readAll(sd.map(([, t]) => t));
    return new Map(sd.map(([k], i) => [k, values[i]]));
  } finally {
    m.dispose();
  }
}

/** Runs `c` on `target` and returns its results (the module and inputs are freed afterwards). */
export async function runCase(c: LayerCase, target: Target): Promise<Results> {
  const base = c.build({ generator: new Generator(SEED), dtype: 'float32' });
  const model = buildLike(c, base, target.dtype);
  if (model !== base) base.dispose();
  try {
    model.to(target.device);
    return await scopeAsync(async () => {
      const hostInputs = c.inputs(new Generator(SEED + 1));
      const xs = placeInputs(hostInputs, target);
      // prepare runs in training mode (BatchNorm fills its running statistics), run in the case's mode
      model.train();
      if (c.prepare) noGrad(() => c.prepare!(model, xs));
      model.train(c.mode !== 'eval');
      const result = c.run(model, xs);
      const outs = (Array.isArray(result) ? result : [result]).filter((o) => o.dtype === 'float32' || o.dtype === 'float64');
      const weights = new Generator(SEED + 2);
      // drawn in float32 and cast: the generator's float64 stream is a different one
      const projected = outs.map((o) => o.mul(randn(o.shape, { generator: weights, device: o.device }).cast(o.dtype)).sum());
      if (projected.some((p) => p.requiresGrad)) projected.reduce((a, b) => a.add(b)).backward();
      const named = collect(model, outs, xs, hostInputs);
      const values = await readAll(named.map(([, t]) => t));
      return new Map(named.map(([name], i) => [name, values[i]]));
    });
  } finally {
    for (const p of model.parameters()) p.grad?.dispose();
    model.dispose();
  }
}
