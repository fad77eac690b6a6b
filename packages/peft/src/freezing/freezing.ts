/**
 * `applyFreezing(model, method)`: one API for the freezing strategies the Trainer and the CLI
 * share. It sets `requiresGrad` on the model's parameters for the strategy, and returns a
 * `Freezing` that knows which parameters train at some point of the run (its counts, in PEFT's
 * format), builds the optimizer's parameter groups over all of them (with layer-wise decayed
 * learning rates when asked, through nn's `layerwiseLrDecayGroups`), and, for gradual
 * unfreezing, holds the Trainer callback that unfreezes on schedule.
 *
 * A strategy is a list of stages, top first: `head` and `freeze:N` have one (what trains),
 * `gradual` one per step of the schedule (the heads; the top layer with the rest of the base
 * model above the layers, such as BERT's pooler; each layer below; the embeddings).
 */
import { type AnyModule, type BuiltGroup, layerwiseLrDecayGroups, type Parameter, weightDecayGroups } from '@graft/nn';
import { formatTrainableParameters, type ParameterCounts } from '../parameter-counts';
import { countParameters } from './counts';
import { FreezingError } from './errors';
import { GradualUnfreezing, type UnfreezeListener } from './gradual';
import { type EncoderLayout, encoderLayout, type LayoutPart, partitionParameters } from './layout';
import { checkFreezingMethod, type FreezingMethod, freezingMethodName, parseFreezingMethod, type UnfreezeEvery } from './method';

/** A set of parameters that starts training together, and the modules it covers. */
export interface FreezingStage {
  /** The module paths of the stage (`classifier`; `bert.encoder.layer.1, bert.pooler`; `bert.embeddings`). */
  readonly modules: readonly string[];
  readonly parameters: readonly Parameter[];
}

/** Options of {@link applyFreezing}. */
export interface ApplyFreezingOptions {
  /** For `gradual` given by name: when the next stage unfreezes (default each epoch). */
  unfreezeEvery?: UnfreezeEvery;
  /** Called when gradual unfreezing opens a stage (the CLI prints it). */
  onUnfreeze?: UnfreezeListener;
}

/** Options of {@link Freezing.parameterGroups}. */
export interface FreezingGroupOptions {
  /** The head's learning rate (the Trainer's `learningRate`). */
  lr: number;
  weightDecay: number;
  /**
   * Discriminative fine-tuning: layer i of L gets `lr · decay^(L − i)`, the embeddings
   * `lr · decay^(L + 1)`, the heads and the rest of the base (the pooler) `lr`. Omitted or 1: one rate.
   */
  layerLrDecay?: number;
}

/** A strategy applied to a model (see the file comment). */
export class Freezing {
  /** The stages, top first; every parameter that trains during the run is in one. */
  readonly stages: readonly FreezingStage[];
  /** The callback that unfreezes on schedule (`gradual` only); give it to the Trainer. */
  readonly callback: GradualUnfreezing | null;
  readonly #all: Parameter[];
  readonly #eventual: Set<Parameter>;
  #layout: EncoderLayout | null;

  /** Use {@link applyFreezing}. */
  constructor(
    readonly model: AnyModule,
    readonly method: FreezingMethod,
    layout: EncoderLayout | null,
    stages: FreezingStage[],
    onUnfreeze?: UnfreezeListener,
  ) {
    this.#layout = layout;
    this.stages = stages;
    this.#all = model.parameters();
    this.#eventual = new Set(stages.flatMap((s) => s.parameters));
    this.callback = method.kind === 'gradual' ? new GradualUnfreezing(this, method.every, onUnfreeze) : null;
    this.openStages(method.kind === 'gradual' ? 1 : stages.length);
  }

  /** The model's layout (read on first use for `full`, which needs none unless learning rates decay by layer). */
  get layout(): EncoderLayout {
    this.#layout ??= encoderLayout(this.model);
    return this.#layout;
  }

  /** The strategy's name (`freeze:2`). */
  get name(): string {
    return freezingMethodName(this.method);
  }

  /** Makes the first `n` stages trainable and every other parameter frozen. */
  openStages(n: number): void {
    const open = new Set(this.stages.slice(0, n).flatMap((s) => s.parameters));
    for (const p of this.#all) p.requiresGrad = open.has(p);
  }

  /** Whether `p` trains at some point of the run. */
  trains(p: Parameter): boolean {
    return this.#eventual.has(p);
  }

  /** The parameters that train at some point of the run, in the model's order. */
  trainableParameters(): Parameter[] {
    return this.#all.filter((p) => this.#eventual.has(p));
  }

  /** What trains during the run (for gradual unfreezing, by its end) of all the model's parameters. */
  counts(): ParameterCounts {
    return countParameters(this.#all, this.#eventual);
  }

  /** What trains now (for gradual unfreezing, the stages open so far). */
  currentCounts(): ParameterCounts {
    return countParameters(this.#all, new Set(this.#all.filter((p) => p.requiresGrad)));
  }

  /** PEFT's line for {@link counts}: `trainable params: 66 || all params: 53,154 || trainable%: 0.1242`. */
  summary(): string {
    return formatTrainableParameters(this.counts());
  }

  /**
   * The optimizer's parameter groups over every parameter that trains at some point (the
   * Trainer's `parameterGroups`), with HF's no-decay rule, and learning rates decayed by layer
   * when `layerLrDecay` is below 1 (nn's `layerwiseLrDecayGroups`, layers found by name).
   */
  parameterGroups(opts: FreezingGroupOptions): BuiltGroup[] {
    const decay = opts.layerLrDecay ?? 1;
    const layout = decay === 1 ? null : this.layout;
    // nn's group builders take the parameters that require gradients: mark the ones that train later for the call
    const before = this.#all.map((p) => p.requiresGrad);
    try {
      for (const p of this.#all) p.requiresGrad = this.#eventual.has(p);
      if (!layout) return weightDecayGroups(this.model, opts.weightDecay);
      const numLayers = layout.layers.length;
      const parts = new Map(partitionParameters(this.model, layout).map((e) => [e.name, e.part]));
      const layerId = (name: string) => layerIdOf(parts.get(name), numLayers);
      return layerwiseLrDecayGroups(this.model, { lr: opts.lr, decay, numLayers, weightDecay: opts.weightDecay, layerId });
    } finally {
      this.#all.forEach((p, i) => {
        p.requiresGrad = before[i];
      });
    }
  }
}

/** nn's layer ids: 0 for the embeddings, i + 1 for layer i, L + 1 above the layers. */
function layerIdOf(part: LayoutPart | undefined, numLayers: number): number {
  if (part?.kind === 'embeddings') return 0;
  if (part?.kind === 'layer') return part.index + 1;
  return numLayers + 1;
}

/** The stages of `method` on a model of `layout`, top first, empty ones left out. */
function stagesOf(model: AnyModule, method: Exclude<FreezingMethod, { kind: 'full' }>, layout: EncoderLayout): FreezingStage[] {
  const entries = partitionParameters(model, layout);
  const numLayers = layout.layers.length;
  const where = (test: (part: LayoutPart) => boolean) => entries.filter((e) => test(e.part)).map((e) => e.param);
  const baseModules = [...new Set(entries.filter((e) => e.part.kind === 'base').map((e) => moduleBelow(e.name, layout.base)))];
  const head: FreezingStage = { modules: layout.heads, parameters: where((p) => p.kind === 'head') };
  const layer = (i: number): FreezingStage => ({
    modules: i === numLayers - 1 ? [layout.layers[i], ...baseModules] : [layout.layers[i]],
    parameters: where((p) => (p.kind === 'layer' && p.index === i) || (i === numLayers - 1 && p.kind === 'base')),
  });
  const embeddings: FreezingStage = { modules: [layout.embeddings], parameters: where((p) => p.kind === 'embeddings') };
  switch (method.kind) {
    case 'head':
      if (head.parameters.length === 0)
        throw new FreezingError(
          'freezing_config',
          `${model.constructor.name} has no head outside its base model ('${layout.base || '(root)'}'): head-only training would train nothing; load the model for a task (a classifier), or choose another strategy`,
        );
      return [head];
    case 'freeze': {
      if (method.layers > numLayers)
        throw new FreezingError(
          'freezing_config',
          `freeze:${method.layers} freezes more layers than ${model.constructor.name} has (${numLayers}); use freeze:0 … freeze:${numLayers}, or head to train only the head`,
        );
      // everything above the frozen layers trains: the heads, the upper layers and the rest of the base (the pooler)
      const upper = Array.from({ length: numLayers - method.layers }, (_, k) => numLayers - 1 - k);
      const modules = [...head.modules, ...upper.map((i) => layout.layers[i]), ...baseModules];
      return [{ modules, parameters: [...head.parameters, ...where((p) => p.kind === 'base' || (p.kind === 'layer' && p.index >= method.layers))] }];
    }
    case 'gradual':
      return [head, ...Array.from({ length: numLayers }, (_, k) => layer(numLayers - 1 - k)), embeddings].filter((s) => s.parameters.length > 0);
  }
}

/** `bert.pooler.dense.weight` under `bert` → `bert.pooler`. */
function moduleBelow(name: string, base: string): string {
  const depth = base === '' ? 1 : base.split('.').length + 1;
  return name.split('.').slice(0, depth).join('.');
}

/**
 * Applies a freezing strategy (an object, or its name: `full`, `head`, `freeze:N`, `gradual`) to
 * `model` in place and returns what it did. Layouts are read from Hugging Face names (BERT,
 * DistilBERT, RoBERTa); a model without one is a `freezing_unknown_layout` error, except for
 * `full`, which needs no layout.
 */
export function applyFreezing(model: AnyModule, method: FreezingMethod | string, opts: ApplyFreezingOptions = {}): Freezing {
  const m = typeof method === 'string' ? parseFreezingMethod(method, { unfreezeEvery: opts.unfreezeEvery }) : checkFreezingMethod(method);
  if (m.kind === 'full') {
    const all = model.parameters();
    return new Freezing(model, m, null, [{ modules: ['(model)'], parameters: all }]);
  }
  const layout = encoderLayout(model);
  return new Freezing(model, m, layout, stagesOf(model, m, layout), opts.onUnfreeze);
}
