/**
 * The autograd graph. Each recorded op makes one GradNode that knows its rule, its attributes,
 * what it saved for the backward pass, and an edge per input: the input's own node, or the leaf
 * tensor whose `.grad` receives the gradient.
 *
 * Nodes are reference-counted by their output tensor and by downstream edges, so a graph that
 * never sees `backward()` is still released when its tensors are disposed; `backward()` drops the
 * saved tensors of every node it runs through (unless asked to retain the graph).
 */
import type { DType } from '../dtype';
import { GraftError } from '../errors';
import { type AttrsOf, type GradOp, publicOpName } from '../ops/spec';
import type { Tensor } from '../tensor';

/** Where an input's gradient goes: the node that produced the input, or the leaf it is. */
export interface Edge {
  /** The node that produced the input, or null for a leaf. */
  readonly node: GradNode | null;
  /** The leaf tensor that accumulates the gradient, when `node` is null. */
  readonly leaf: Tensor | null;
}

/** The shape and dtype of an op's input or output, which a gradient rule needs without the data. */
export interface TensorMeta {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/**
 * One recorded op in the autograd graph: what a gradient rule receives, with the op's attributes,
 * its inputs' and output's shapes and dtypes, and the tensors it saved (`savedInputs()`,
 * `savedOutput()`).
 */
export class GradNode<K extends GradOp = GradOp> {
  #refs = 1;
  #savedInputs: (Tensor | null)[] | null;
  #savedOutput: Tensor | null;
  #released = false;
  #freedByBackward = false;

  /** @internal nodes are made by `record` when an op runs with gradients on */
  constructor(
    readonly op: K,
    readonly attrs: AttrsOf<K>,
    /** @internal one per input; null where the input needs no gradient */
    readonly edges: readonly (Edge | null)[],
    readonly inputs: readonly TensorMeta[],
    readonly output: TensorMeta,
    saved: { inputs: (Tensor | null)[] | null; output: Tensor | null },
  ) {
    this.#savedInputs = saved.inputs;
    this.#savedOutput = saved.output;
  }

  /** The inputs saved for the backward pass. */
  savedInputs(): (Tensor | null)[] {
    this.#checkAlive();
    if (!this.#savedInputs) throw new GraftError('autograd_internal', `the gradient rule of '${publicOpName(this.op)}' did not save its inputs`);
    return this.#savedInputs;
  }

  /** The output saved for the backward pass. */
  savedOutput(): Tensor {
    this.#checkAlive();
    if (!this.#savedOutput) throw new GraftError('autograd_internal', `the gradient rule of '${publicOpName(this.op)}' did not save its output`);
    return this.#savedOutput;
  }

  #checkAlive() {
    if (this.#freedByBackward) {
      throw new GraftError(
        'graph_freed',
        `tried to run backward through '${publicOpName(this.op)}' a second time; its saved tensors were freed by the first backward() (pass { retainGraph: true } to keep them)`,
      );
    }
    if (this.#released) throw new GraftError('graph_released', `the graph through '${publicOpName(this.op)}' was released when its tensors were disposed`);
  }

  /** @internal a downstream edge or a tensor took a reference */
  retain(): void {
    this.#refs++;
  }

  /** @internal drops one reference; the last one releases saved tensors and upstream nodes */
  release(): void {
    if (--this.#refs > 0 || this.#released) return;
    this.#released = true;
    this.#dropSaved();
    for (const e of this.edges) e?.node?.release();
  }

  /** @internal called by backward(): the saved tensors are no longer needed */
  freeSaved(): void {
    this.#freedByBackward = true;
    this.#dropSaved();
  }

  #dropSaved() {
    for (const t of this.#savedInputs ?? []) t?.dispose();
    this.#savedOutput?.dispose();
    this.#savedInputs = null;
    this.#savedOutput = null;
  }
}

let gradEnabled = true;

/** Whether ops record the graph right now. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = enabled;
  try {
    const r = fn();
    if (r instanceof Promise) {
      throw new GraftError('grad_mode_async', 'noGrad()/enableGrad() take synchronous functions; await outside of them');
    }
    return r;
  } finally {
    gradEnabled = prev;
  }
}

/** Runs `fn` without recording the autograd graph (evaluation, optimizer updates). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with graph recording on, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}
