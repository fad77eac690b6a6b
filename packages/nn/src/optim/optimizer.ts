/**
 * The optimizer base: parameter groups with their own hyper-parameters, per-parameter state
 * (a step count plus named tensors), validation that names the bad option, and state dicts
 * split into a JSON part and a map of tensors that safetensors can hold. A subclass only
 * writes `updateParameter`; `step()` runs it under `noGrad` in a scope, so temporaries are
 * freed and parameters are updated in place with `assign`.
 */
import { formatShape, isFloat, noGrad, scope, shapesEqual, type Tensor } from '@graft/core';
import { OptimizerConfigError } from '../errors';
import { onDeviceOf, onDeviceOfAsync } from '../module/device';
import { isParameter, type Parameter } from '../module/parameter';

/** A hyper-parameter value: numbers, flags and pairs (Adam's betas). */
export type HyperValue = number | boolean | readonly [number, number];

/** A parameter group as given by the user: its parameters and any hyper-parameter overrides. */
export type ParamGroupInput<H> = { params: Iterable<Parameter> } & Partial<H>;

/** A parameter group inside an optimizer: every hyper-parameter resolved. `lr` is what schedulers set. */
export type ParamGroup<H> = { params: Parameter[] } & H;

/** The state of one parameter: how many updates it had and its tensors (moments, momentum). */
export interface ParamState {
  step: number;
  tensors: Record<string, Tensor>;
}

/**
 * An optimizer's state: `state` and `paramGroups` are plain JSON (parameters by index, in group
 * order); `tensors` (keys `"<index>.<name>"`) is a map `saveSafetensors` writes as it is.
 */
export interface OptimizerStateDict {
  state: Record<string, { step: number; tensors: string[] }>;
  paramGroups: (Record<string, HyperValue> & { params: number[] })[];
  tensors: Record<string, Tensor>;
}

/** Checks a hyper-parameter is a finite number within bounds, naming it otherwise. */
export function checkRange(owner: string, name: string, v: unknown, min: number, max = Infinity, maxExclusive = false): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (maxExclusive ? v >= max : v > max)) {
    throw new OptimizerConfigError(`${owner}: ${name} must be a number in [${min}, ${max}${maxExclusive ? ')' : ']'}, got ${String(v)}`);
  }
}

/** Base class of the optimizers. `H` lists the hyper-parameters every group carries. */
export abstract class Optimizer<H extends { lr: number }> {
  readonly paramGroups: ParamGroup<H>[] = [];
  readonly state = new Map<Parameter, ParamState>();
  /** The defaults new groups are completed with. */
  readonly defaults: H;

  constructor(
    params: Iterable<Parameter> | Iterable<ParamGroupInput<H>>,
    defaults: Partial<H>,
    protected readonly baseDefaults: H,
  ) {
    this.defaults = this.#resolve({ ...baseDefaults }, defaults, 'options');
    const list = [...params] as (Parameter | ParamGroupInput<H>)[];
    if (list.length === 0) throw new OptimizerConfigError(`${this.constructor.name} got no parameters`);
    const groups = list.every(isParameter) ? [{ params: list as Parameter[] } as unknown as ParamGroupInput<H>] : (list as ParamGroupInput<H>[]);
    for (const g of groups) this.addParamGroup(g);
  }

  /** Completes and validates hyper-parameters: unknown names and bad values throw. */
  #resolve(base: H, given: Partial<H> | Record<string, unknown>, where: string): H {
    const known = Object.keys(this.baseDefaults);
    for (const key of Object.keys(given)) {
      if (key === 'params' && where !== 'options') continue;
      if (!known.includes(key))
        throw new OptimizerConfigError(
          `${this.constructor.name}: unknown ${where === 'options' ? 'option' : 'parameter-group option'} '${key}' (known: ${known.join(', ')})`,
        );
    }
    const out = { ...base } as Record<string, unknown>;
    for (const key of known) if ((given as Record<string, unknown>)[key] !== undefined) out[key] = (given as Record<string, unknown>)[key];
    this.validate(out as H);
    return out as H;
  }

  /** Throws an OptimizerConfigError for hyper-parameters this optimizer cannot use. */
  protected validate(h: H): void {
    checkRange(this.constructor.name, 'lr', h.lr, 0);
  }

  /** Adds a group; its parameters must be Parameters that are in no other group. */
  addParamGroup(group: ParamGroupInput<H>): void {
    if (!group || typeof group !== 'object' || !('params' in group))
      throw new OptimizerConfigError(`${this.constructor.name}: a parameter group needs a 'params' list`);
    const params = [...group.params];
    if (params.length === 0) throw new OptimizerConfigError(`${this.constructor.name}: parameter group ${this.paramGroups.length} is empty`);
    const taken = new Set(this.paramGroups.flatMap((g) => g.params));
    params.forEach((p, i) => {
      if (!isParameter(p))
        throw new OptimizerConfigError(`${this.constructor.name}: item ${i} of parameter group ${this.paramGroups.length} is not a Parameter`);
      if (!isFloat(p.dtype)) throw new OptimizerConfigError(`${this.constructor.name}: cannot optimize a ${p.dtype} parameter`);
      if (taken.has(p)) throw new OptimizerConfigError(`${this.constructor.name}: a parameter appears in more than one parameter group`);
      taken.add(p);
    });
    const { params: _ignored, ...hyper } = group;
    this.paramGroups.push({ ...this.#resolve(this.defaults, hyper as unknown as Partial<H>, 'group'), params });
  }

  /** The state of `p`, created (step 0, no tensors) on first use. */
  protected stateOf(p: Parameter): ParamState {
    let s = this.state.get(p);
    if (!s) this.state.set(p, (s = { step: 0, tensors: {} }));
    return s;
  }

  /** A kept state tensor named `name` for `p`, created by `init` the first time. */
  protected stateTensor(state: ParamState, name: string, init: () => Tensor): Tensor {
    return (state.tensors[name] ??= init().keep());
  }

  /** Updates one parameter from its gradient. Runs under noGrad inside a scope. */
  protected abstract updateParameter(p: Parameter, grad: Tensor, group: ParamGroup<H>, state: ParamState): void;

  /** One optimisation step over every parameter that has a gradient. */
  step(): void {
    scope(() =>
      noGrad(() => {
        for (const group of this.paramGroups) {
          for (const p of group.params) {
            if (!p.grad) continue;
            this.updateParameter(p, p.grad, group, this.stateOf(p));
          }
        }
      }),
    );
  }

  /** Drops every gradient (PyTorch's `set_to_none=True`): the next backward starts from zero. */
  zeroGrad(): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        p.grad?.dispose();
        p.grad = null;
      }
    }
  }

  /** Every parameter, in group order: the index a state dict refers to it by. */
  #allParams(): Parameter[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** The state (step counts, hyper-parameters, state tensors: live, not copies). */
  stateDict(): OptimizerStateDict {
    const sd: OptimizerStateDict = { state: {}, paramGroups: [], tensors: {} };
    const index = new Map(this.#allParams().map((p, i) => [p, i]));
    for (const [p, s] of this.state) {
      const i = index.get(p)!;
      sd.state[i] = { step: s.step, tensors: Object.keys(s.tensors) };
      for (const [name, t] of Object.entries(s.tensors)) sd.tensors[`${i}.${name}`] = t;
    }
    for (const g of this.paramGroups) {
      const { params, ...hyper } = g;
      sd.paramGroups.push({ ...(hyper as unknown as Record<string, HyperValue>), params: params.map((p) => index.get(p)!) } as Record<string, HyperValue> & {
        params: number[];
      });
    }
    return sd;
  }

  /** Restores a state dict from an optimizer over parameters of the same groups and shapes. */
  loadStateDict(sd: OptimizerStateDict | (Omit<OptimizerStateDict, 'tensors'> & { tensors: Map<string, Tensor> | Record<string, Tensor> })): void {
    const params = this.#allParams();
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new OptimizerConfigError(`optimizer state has ${sd.paramGroups.length} parameter groups, this optimizer ${this.paramGroups.length}`);
    }
    sd.paramGroups.forEach((g, i) => {
      if (g.params.length !== this.paramGroups[i].params.length) {
        throw new OptimizerConfigError(
          `parameter group ${i}: the state has ${g.params.length} parameters, this optimizer ${this.paramGroups[i].params.length}`,
        );
      }
    });
    const tensors = sd.tensors instanceof Map ? sd.tensors : new Map(Object.entries(sd.tensors));
    const next = new Map<Parameter, ParamState>();
    for (const [key, s] of Object.entries(sd.state)) {
      const p = params[Number(key)];
      if (!p) throw new OptimizerConfigError(`optimizer state refers to parameter ${key}, but there are ${params.length}`);
      const entry: ParamState = { step: s.step, tensors: {} };
      for (const name of s.tensors) {
        const t = tensors.get(`${key}.${name}`);
        if (!t) throw new OptimizerConfigError(`optimizer state lacks tensor '${key}.${name}'`);
        if (!shapesEqual(t.shape, p.shape)) {
          throw new OptimizerConfigError(
            `optimizer state tensor '${key}.${name}' has shape ${formatShape(t.shape)}, parameter ${key} has ${formatShape(p.shape)}`,
          );
        }
        entry.tensors[name] = t;
      }
      next.set(p, entry);
    }
    const groups = sd.paramGroups.map(({ params: _p, ...hyper }) => this.#resolve(this.defaults, hyper as Partial<H>, 'group'));
    // copies (so the caller's tensors stay theirs) on each parameter's device, as PyTorch moves
    // optimizer state to its parameters: all made before the old state is dropped, so a failed
    // move (a GPU tensor cannot move synchronously: use loadStateDictAsync) changes nothing
    const copies = new Map<Parameter, Record<string, Tensor>>();
    try {
      for (const [p, s] of next) {
        const entry: Record<string, Tensor> = {};
        copies.set(p, entry);
        for (const [n, t] of Object.entries(s.tensors)) entry[n] = noGrad(() => scope(() => onDeviceOf(t, p).cast(p.dtype).clone())).keep();
      }
    } catch (e) {
      for (const entry of copies.values()) for (const t of Object.values(entry)) t.dispose();
      throw e;
    }
    this.disposeState();
    for (const [p, s] of next) this.state.set(p, { step: s.step, tensors: copies.get(p)! });
    groups.forEach((h, i) => Object.assign(this.paramGroups[i], h));
  }

  /**
   * `loadStateDict` from state tensors on any device: those on another device than their
   * parameter are moved with `toAsync` first (a GPU-held state into a CPU optimizer, say).
   */
  async loadStateDictAsync(
    sd: OptimizerStateDict | (Omit<OptimizerStateDict, 'tensors'> & { tensors: Map<string, Tensor> | Record<string, Tensor> }),
  ): Promise<void> {
    const params = this.#allParams();
    const tensors = sd.tensors instanceof Map ? sd.tensors : new Map(Object.entries(sd.tensors));
    const moved = new Map<string, Tensor>();
    const made: Tensor[] = [];
    try {
      for (const [key, t] of tensors) {
        const p = params[Number(key.slice(0, key.indexOf('.')))];
        const src = p ? await onDeviceOfAsync(t, p) : t;
        if (src !== t) made.push(src);
        moved.set(key, src);
      }
      this.loadStateDict({ ...sd, tensors: moved });
    } finally {
      for (const t of made) t.dispose();
    }
  }

  /** Frees the state tensors (the optimizer starts afresh at its next step). */
  disposeState(): void {
    for (const s of this.state.values()) for (const t of Object.values(s.tensors)) t.dispose();
    this.state.clear();
  }
}
