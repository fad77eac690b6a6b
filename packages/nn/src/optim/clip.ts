/**
 * Gradient clipping and accumulation. Clipping runs on the device: the total norm stays a
 * tensor (no read-back in the training loop), and every gradient is scaled by
 * `min(1, maxNorm / (norm + 1e-6))`, as `torch.nn.utils.clip_grad_norm_`. Only
 * `errorIfNonfinite` needs the norm on the host; `clipGradNormAsync` reads it without blocking.
 */
import { ArgumentError, GraftError, maximum, minimum, noGrad, scope, stack, type Tensor, tensor } from '@graft/core';
import { NonfiniteGradNormError } from '../errors';
import type { Parameter } from '../module/parameter';

function gradsOf(params: Iterable<Parameter>): Tensor[] {
  return [...params].flatMap((p) => (p.grad ? [p.grad] : []));
}

/**
 * Replaces each gradient with `fn(grad)`. The gradient is swapped rather than `assign`ed into,
 * because autograd may hand out a gradient that is a view into a larger buffer.
 */
function mapGrads(params: Iterable<Parameter>, fn: (g: Tensor) => Tensor): void {
  scope(() =>
    noGrad(() => {
      for (const p of params) {
        const old = p.grad;
        if (!old) continue;
        p.grad = fn(old).keep();
        old.dispose();
      }
    }),
  );
}

/** Options of clipGradNorm / clipGradNormAsync. */
export interface ClipGradNormOptions {
  /** The p of the p-norm (default 2; Infinity for the max norm). */
  normType?: number;
  /** Throw `NonfiniteGradNormError` for a nan/inf total norm instead of clipping (reads the norm back). */
  errorIfNonfinite?: boolean;
}

/** The total norm of the gradients (a scalar tensor on their device), after checking the options. */
function totalNorm(list: Parameter[], maxNorm: number, normType: number): Tensor | null {
  if (!(maxNorm >= 0)) throw new ArgumentError(`clipGradNorm: maxNorm must be non-negative, got ${maxNorm}`);
  if (!(normType > 0)) throw new ArgumentError(`clipGradNorm: normType must be positive (or Infinity), got ${normType}`);
  const grads = gradsOf(list);
  if (grads.length === 0) return null;
  return noGrad(() =>
    scope(() => {
      // each gradient's norm first, then the norm of those norms (what PyTorch computes)
      const norms = grads.map((g) => {
        const a = g.abs().cast('float32');
        return normType === Infinity
          ? a.max()
          : a
              .pow(normType)
              .sum()
              .pow(1 / normType);
      });
      const all = stack(norms);
      return normType === Infinity
        ? all.max()
        : all
            .pow(normType)
            .sum()
            .pow(1 / normType);
    }),
  );
}

/** Scales every gradient by `min(1, maxNorm / (total + 1e-6))`, computed on the device. */
function scaleToNorm(list: Parameter[], total: Tensor, maxNorm: number): void {
  const coef = noGrad(() => minimum(total.add(1e-6).reciprocal().mul(maxNorm), 1).keep());
  mapGrads(list, (g) => g.mul(coef.cast(g.dtype)));
  coef.dispose();
}

/** A zero norm for parameters without gradients, on their device. */
function zeroNorm(list: Parameter[]): Tensor {
  return tensor(0, { dtype: 'float32', device: list[0]?.device });
}

/**
 * Scales gradients in place so their total `normType`-norm is at most `maxNorm`, and returns the
 * norm before clipping as a scalar tensor on the gradients' device (in the caller's scope;
 * `await norm.item()` to log). Nothing is read back, so a training step never waits for the
 * device. `errorIfNonfinite` needs the norm on the host: here it reads it synchronously, which
 * only the CPU can; on WebGPU use `clipGradNormAsync`.
 */
export function clipGradNorm(params: Iterable<Parameter>, maxNorm: number, opts: ClipGradNormOptions = {}): Tensor {
  const list = [...params];
  const total = totalNorm(list, maxNorm, opts.normType ?? 2);
  if (!total) return zeroNorm(list);
  if (opts.errorIfNonfinite) {
    let norm: number;
    try {
      norm = total.itemSync();
    } catch (e) {
      const device = total.device;
      total.dispose();
      throw new GraftError(
        'sync_read_unsupported',
        `clipGradNorm with errorIfNonfinite reads the norm back, which '${device}' cannot do synchronously; use \`await clipGradNormAsync(...)\``,
        { cause: e },
      );
    }
    if (!Number.isFinite(norm)) throw new NonfiniteGradNormError(norm);
  }
  scaleToNorm(list, total, maxNorm);
  return total;
}

/**
 * `clipGradNorm` for any device: the same clipping, but with `errorIfNonfinite` the norm is read
 * back asynchronously (the one wait, before any gradient changes). Without `errorIfNonfinite`
 * nothing is awaited on the device and the result equals `clipGradNorm`'s.
 */
export async function clipGradNormAsync(params: Iterable<Parameter>, maxNorm: number, opts: ClipGradNormOptions = {}): Promise<Tensor> {
  const list = [...params];
  const total = totalNorm(list, maxNorm, opts.normType ?? 2);
  if (!total) return zeroNorm(list);
  if (opts.errorIfNonfinite) {
    const norm = await total.item();
    if (!Number.isFinite(norm)) throw new NonfiniteGradNormError(norm);
  }
  scaleToNorm(list, total, maxNorm);
  return total;
}

/** Clamps every gradient element into `[-clipValue, clipValue]`, in place. */
export function clipGradValue(params: Iterable<Parameter>, clipValue: number): void {
  if (!(clipValue >= 0)) throw new ArgumentError(`clipGradValue: clipValue must be non-negative, got ${clipValue}`);
  mapGrads(params, (g) => maximum(minimum(g, clipValue), -clipValue));
}

/** Multiplies every gradient by `factor`, in place (e.g. to average accumulated micro-batches). */
export function scaleGradients(params: Iterable<Parameter>, factor: number): void {
  mapGrads(params, (g) => g.mul(factor));
}

/**
 * Gradient accumulation bookkeeping: scale each micro-batch loss by `lossScale`, call `tick()`
 * after each backward, and step the optimizer when it returns true. Gradients add up across
 * backward calls by themselves; this only counts and scales. State is JSON.
 */
export class GradientAccumulation {
  #micro = 0;

  constructor(readonly steps: number) {
    if (!Number.isInteger(steps) || steps < 1) throw new ArgumentError(`GradientAccumulation: steps must be a positive integer, got ${steps}`);
  }

  /** The factor each micro-batch loss is multiplied by, so the sum is a mean over the window. */
  get lossScale(): number {
    return 1 / this.steps;
  }

  /** Micro-batches seen since the last optimizer step. */
  get pending(): number {
    return this.#micro;
  }

  /** Records one micro-batch; true when the window is full and the optimizer should step. */
  tick(): boolean {
    this.#micro += 1;
    if (this.#micro < this.steps) return false;
    this.#micro = 0;
    return true;
  }

  /** The micro-batches pending in the current window, for a checkpoint. */
  stateDict(): { pending: number } {
    return { pending: this.#micro };
  }

  /** Restores the pending count from `stateDict()`; it must be below `steps`. */
  loadStateDict(state: { pending: number }): void {
    if (!Number.isInteger(state.pending) || state.pending < 0 || state.pending >= this.steps) {
      throw new ArgumentError(`GradientAccumulation: pending ${state.pending} is outside [0, ${this.steps})`);
    }
    this.#micro = state.pending;
  }
}
