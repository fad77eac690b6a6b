/**
 * Where the parts of a BERT-family model are, read from its Hugging Face module names: the base
 * model (`bert`, `distilbert`, `roberta`, or the root of a bare encoder), its embeddings, its
 * numbered encoder layers (`<base>.encoder.layer.N` for BERT and RoBERTa,
 * `<base>.transformer.layer.N` for DistilBERT), what else the base holds (BERT's pooler), and
 * the heads, which are everything outside the base model. Structural: any nn Module with those
 * names fits (a model wrapped under a prefix too), and nothing is imported from @graft/models.
 */
import type { AnyModule, Parameter } from '@graft/nn';
import { FreezingError } from './errors';

/** Where each part of the model is. */
export interface EncoderLayout {
  /** The base model's module path (`bert`), `''` when the model is the bare encoder. */
  readonly base: string;
  /** The embeddings' module path (`bert.embeddings`). */
  readonly embeddings: string;
  /** The module path of each encoder layer, bottom first (`bert.encoder.layer.0`, …). */
  readonly layers: readonly string[];
  /** Top-level module paths outside the base model (`classifier`, `pre_classifier`); empty for a bare encoder. */
  readonly heads: readonly string[];
}

/** Which part of the model a parameter belongs to. */
export type LayoutPart =
  | { readonly kind: 'embeddings' }
  | { readonly kind: 'layer'; readonly index: number }
  /** In the base model above the layers (BERT's pooler). */
  | { readonly kind: 'base' }
  | { readonly kind: 'head' };

const join = (prefix: string, name: string) => (prefix ? `${prefix}.${name}` : name);

/**
 * Reads the layout of `model`. A model without embeddings and numbered layers in one of the
 * known places, or with several such stacks (a teacher and a student in one module), is a
 * `freezing_unknown_layout` error that lists what the model has.
 */
export function encoderLayout(model: AnyModule): EncoderLayout {
  const modules = new Set([...model.namedModules()].map(([path]) => path));
  // layers are numbered children of a container (a ModuleList, or an array field): `<base>.encoder.layer.3`
  const stacks = new Map<string, { base: string; indices: number[] }>();
  for (const path of modules) {
    const m = /^(?:(.*)\.)?((?:encoder|transformer)\.layer)\.(\d+)$/.exec(path);
    if (!m) continue;
    const base = m[1] ?? '';
    const container = join(base, m[2]);
    if (!stacks.has(container)) stacks.set(container, { base, indices: [] });
    stacks.get(container)!.indices.push(Number(m[3]));
  }
  const found: EncoderLayout[] = [];
  for (const [container, { base, indices }] of stacks) {
    const embeddings = join(base, 'embeddings');
    if (!modules.has(embeddings)) continue;
    const layers = indices.sort((a, b) => a - b).map((i) => `${container}.${i}`);
    found.push({ base, embeddings, layers, heads: headPaths(model, base) });
  }
  const className = model.constructor?.name ?? 'the model';
  if (found.length === 1) return found[0];
  if (found.length > 1) {
    throw new FreezingError(
      'freezing_unknown_layout',
      `${className} holds ${found.length} encoder stacks (${found.map((l) => l.base || '(root)').join(', ')}); freezing strategies apply to one model: pass the one to train`,
    );
  }
  const top = [...model.namedChildren()].map(([name]) => name);
  throw new FreezingError(
    'freezing_unknown_layout',
    `${className} has no BERT-family layout: freezing strategies look for <base>.embeddings with numbered layers under <base>.encoder.layer (BERT, RoBERTa) or <base>.transformer.layer (DistilBERT), and found the modules ${top.length ? top.join(', ') : '(none)'}; use full fine-tuning, or freeze parameters yourself with requiresGrad`,
  );
}

/** The modules beside the base model that hold parameters (`classifier`, or `base_model.model.classifier` under a wrapper's prefix). */
function headPaths(model: AnyModule, base: string): string[] {
  if (base === '') return [];
  const depth = base.split('.').length;
  const heads = new Set<string>();
  for (const [name] of model.namedParameters()) {
    if (!name.startsWith(`${base}.`)) heads.add(name.split('.').slice(0, depth).join('.'));
  }
  return [...heads];
}

/** A function from a parameter's name to its part of the model. */
export function layoutPartOf(layout: EncoderLayout): (name: string) => LayoutPart {
  const layerIndex = new Map(layout.layers.map((path, i) => [path, i]));
  const container = layout.layers[0].slice(0, layout.layers[0].lastIndexOf('.'));
  return (name) => {
    if (name.startsWith(`${layout.embeddings}.`)) return { kind: 'embeddings' };
    if (name.startsWith(`${container}.`)) {
      const rest = name.slice(container.length + 1);
      const index = layerIndex.get(`${container}.${rest.slice(0, rest.indexOf('.'))}`);
      if (index !== undefined) return { kind: 'layer', index };
    }
    if (layout.base === '' || name.startsWith(`${layout.base}.`)) return { kind: 'base' };
    return { kind: 'head' };
  };
}

/** Every parameter of `model` once (shared weights under their first name), with its part. */
export function partitionParameters(model: AnyModule, layout: EncoderLayout): { name: string; param: Parameter; part: LayoutPart }[] {
  const partOf = layoutPartOf(layout);
  return [...model.namedParameters()].map(([name, param]) => ({ name, param, part: partOf(name) }));
}
