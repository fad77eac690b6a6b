/**
 * Moving a module between devices (`module.to('webgpu')`, `await module.toAsync('cpu')`).
 *
 * Every parameter and buffer keeps its identity: its storage is rebound with `assign` (the same
 * in-place update optimizer steps use), so optimizers, hooks, tied weights and any other
 * reference taken before the move see the moved tensor. Gradients are moved too (as new
 * tensors: `p.grad` is replaced). A move is all-or-nothing: every copy is made before the first
 * tensor is rebound, so a failure (a GPU tensor asked to move synchronously, a dtype the target
 * device cannot hold, such as float64 on WebGPU) leaves the module where it was.
 */
import { noGrad, type Tensor } from '@graft/core';
import type { AnyModule } from './module';

/** One tensor slot of a module that a move rebinds. */
interface Move {
  tensor: Tensor;
  /** Where a moved gradient goes (null for parameters and buffers, which are rebound in place). */
  gradOf: Tensor | null;
}

/** Parameters (each once, tied ones included), every buffer (persistent or not), and gradients. */
function slots(m: AnyModule): Move[] {
  const out: Move[] = [];
  const seen = new Set<Tensor>();
  for (const p of m.parameters()) {
    seen.add(p);
    out.push({ tensor: p, gradOf: null });
    if (p.grad) out.push({ tensor: p.grad, gradOf: p });
  }
  for (const [, b] of m.namedBuffers()) {
    if (seen.has(b)) continue;
    seen.add(b);
    out.push({ tensor: b, gradOf: null });
  }
  return out;
}

/** Rebinds every slot to its copy (or installs the moved gradient), then frees the copies. */
function commit(moves: Move[], copies: Tensor[]): void {
  moves.forEach(({ tensor, gradOf }, i) => {
    const copy = copies[i];
    if (copy === tensor) return;
    if (gradOf) {
      gradOf.grad = copy.keep();
      tensor.dispose();
      return;
    }
    tensor.assign(copy);
    copy.dispose();
  });
}

/** Frees the copies made so far after a failed move (tensors already on the device are not copies). */
function discard(moves: Move[], copies: Tensor[]): void {
  copies.forEach((c, i) => {
    if (c !== moves[i].tensor) c.dispose();
  });
}

/**
 * Implements `Module.to`: synchronous, so every tensor must be readable synchronously (the CPU;
 * `cpu → webgpu` always works). From a GPU, use `moveModuleAsync`.
 */
export function moveModule<M extends AnyModule>(m: M, device: string): M {
  const moves = slots(m);
  const copies: Tensor[] = [];
  try {
    for (const { tensor } of moves) copies.push(tensor.to(device));
  } catch (e) {
    discard(moves, copies);
    throw e;
  }
  commit(moves, copies);
  return m;
}

/** Implements `Module.toAsync`: works from any device to any device. */
export async function moveModuleAsync<M extends AnyModule>(m: M, device: string): Promise<M> {
  const moves = slots(m);
  const settled = await Promise.allSettled(moves.map(({ tensor }) => tensor.toAsync(device)));
  const copies = settled.map((r, i) => (r.status === 'fulfilled' ? r.value : moves[i].tensor));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    discard(moves, copies);
    throw failed.reason;
  }
  commit(moves, copies);
  return m;
}

/**
 * `t` on `target`'s device, synchronously (so from the CPU when the devices differ). float64
 * exists only on the CPU, so a float64 `t` bound for a narrower `target` is cast on the CPU
 * first; every other cast is left to the caller (`assign` casts on the target's device).
 */
export function onDeviceOf(t: Tensor, target: Tensor): Tensor {
  if (t.device === target.device) return t;
  return (t.dtype === 'float64' && target.dtype !== 'float64' ? t.cast(target.dtype) : t).to(target.device);
}

/** `onDeviceOf` from any device (GPU → CPU included); the CPU-side cast, if any, is freed. */
export async function onDeviceOfAsync(t: Tensor, target: Tensor): Promise<Tensor> {
  if (t.device === target.device) return t;
  const narrowed = t.dtype === 'float64' && target.dtype !== 'float64' ? noGrad(() => t.cast(target.dtype)) : t;
  try {
    return await narrowed.toAsync(target.device);
  } finally {
    if (narrowed !== t) narrowed.dispose();
  }
}
