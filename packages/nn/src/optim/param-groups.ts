/**
 * Building parameter groups from a model: the usual split that exempts biases and normalisation
 * weights from weight decay (as HF Trainer does), and layer-wise learning-rate decay for
 * transformer stacks, where lower layers learn more slowly than the head.
 */
import { OptimizerConfigError } from '../errors';
import type { AnyModule } from '../module/module';
import type { Parameter } from '../module/parameter';
import { BatchNorm1d, BatchNorm2d } from '../layers/batch-norm';
import { LayerNorm, RMSNorm } from '../layers/normalization';

/** A parameter group as the optimizers take it. */
export interface BuiltGroup {
  params: Parameter[];
  lr?: number;
  weightDecay: number;
}

/** Whether a parameter is a bias or belongs to a normalisation layer (no weight decay for those). */
export function isNoDecay(model: AnyModule): (name: string, p: Parameter) => boolean {
  const normParams = new Set<Parameter>();
  for (const m of model.modules()) {
    if (m instanceof LayerNorm || m instanceof RMSNorm || m instanceof BatchNorm1d || m instanceof BatchNorm2d)
      for (const p of m.parameters()) normParams.add(p);
  }
  // names cover norm layers written as other classes (`LayerNorm.weight` in HF checkpoints)
  return (name, p) => normParams.has(p) || /(^|\.)bias$/.test(name) || /(^|\.)(LayerNorm|layer_norm|layernorm|ln_?\w*)\.weight$/.test(name);
}

/**
 * Two groups over the trainable parameters: decayed (`weightDecay`) and exempt (biases and norm
 * weights, decay 0). Empty groups are left out, since optimizers refuse them.
 */
export function weightDecayGroups(model: AnyModule, weightDecay: number, opts: { noDecay?: (name: string, p: Parameter) => boolean } = {}): BuiltGroup[] {
  if (!(weightDecay >= 0)) throw new OptimizerConfigError(`weightDecayGroups: weightDecay must be non-negative, got ${weightDecay}`);
  const exempt = opts.noDecay ?? isNoDecay(model);
  const decay: Parameter[] = [];
  const none: Parameter[] = [];
  for (const [name, p] of model.namedParameters()) {
    if (!p.requiresGrad) continue;
    (exempt(name, p) ? none : decay).push(p);
  }
  return [
    { params: decay, weightDecay },
    { params: none, weightDecay: 0 },
  ].filter((g) => g.params.length > 0);
}

/** Options of layerwiseLrDecayGroups. */
export interface LayerwiseDecayOptions {
  /** The head's learning rate; layer i below the top gets `lr · decay^(numLayers + 1 − id)`. */
  lr: number;
  /** Per-layer factor in (0, 1]. */
  decay: number;
  /** Number of transformer layers. */
  numLayers: number;
  weightDecay?: number;
  /**
   * Layer id of a parameter: 0 for embeddings, i + 1 for layer i, numLayers + 1 for the rest.
   * The default reads `embeddings` and `layer.<i>` / `layers.<i>` from HF-style names.
   */
  layerId?: (name: string) => number;
  /** Which parameters get no weight decay; by default biases and normalisation weights. */
  noDecay?: (name: string, p: Parameter) => boolean;
}

/** The default layer id for HF-style parameter names. */
export function defaultLayerId(numLayers: number): (name: string) => number {
  return (name) => {
    if (/(^|\.)embeddings?(\.|_)/.test(name)) return 0;
    const m = /(^|\.)(layer|layers|h|blocks)\.(\d+)\./.exec(name);
    return m ? Number(m[3]) + 1 : numLayers + 1;
  };
}

/**
 * Groups per (layer, decay/no-decay) with layer-wise learning-rate decay (as in ELECTRA and
 * BEiT fine-tuning): parameters nearer the input change less.
 */
export function layerwiseLrDecayGroups(model: AnyModule, opts: LayerwiseDecayOptions): BuiltGroup[] {
  const { lr, decay, numLayers, weightDecay = 0 } = opts;
  if (!(decay > 0 && decay <= 1)) throw new OptimizerConfigError(`layerwiseLrDecayGroups: decay must be in (0, 1], got ${decay}`);
  if (!Number.isInteger(numLayers) || numLayers < 0)
    throw new OptimizerConfigError(`layerwiseLrDecayGroups: numLayers must be a non-negative integer, got ${numLayers}`);
  const layerId = opts.layerId ?? defaultLayerId(numLayers);
  const exempt = opts.noDecay ?? isNoDecay(model);
  const groups = new Map<string, BuiltGroup>();
  for (const [name, p] of model.namedParameters()) {
    if (!p.requiresGrad) continue;
    const id = layerId(name);
    if (!Number.isInteger(id) || id < 0 || id > numLayers + 1)
      throw new OptimizerConfigError(`layerwiseLrDecayGroups: layer id ${id} of '${name}' is outside [0, ${numLayers + 1}]`);
    const noDecay = exempt(name, p);
    const key = `${id}:${noDecay}`;
    if (!groups.has(key)) groups.set(key, { params: [], lr: lr * decay ** (numLayers + 1 - id), weightDecay: noDecay ? 0 : weightDecay });
    groups.get(key)!.params.push(p);
  }
  return [...groups.values()];
}
