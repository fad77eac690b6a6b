/**
 * The funnel every op goes through: device checks, output allocation, the kernel call, and the
 * recording of the autograd node. Ops in the other files of this folder compute shapes and
 * dtypes and call `runKernel`, `makeView` and `record`.
 */
import { GradNode, type Edge, isGradEnabled } from '../autograd/graph';
import { gradRules } from '../autograd/rules';
import type { Backend, TensorView } from '../backend/backend';
import { backends } from '../backend/global';
import type { DType } from '../dtype';
import { DeviceMismatchError, DTypeError } from '../errors';
import { contiguousStrides, sizeOf } from '../shape';
import { Storage } from '../storage';
import { Tensor } from '../tensor';
import type { AnyKernelOp, AttrsOf, GradOp, KernelAttrs } from './spec';

/** The kernel's-eye view of a tensor. */
export function viewOf(t: Tensor): TensorView {
  return { buffer: t.storage.buffer, dtype: t.dtype, shape: t.shape, strides: t.strides, offset: t.offset };
}

/** The one backend all `inputs` live on. */
export function backendOf(op: string, inputs: readonly Tensor[]): Backend {
  const backend = inputs[0].storage.backend;
  for (let i = 1; i < inputs.length; i++) {
    if (inputs[i].storage.backend !== backend) throw new DeviceMismatchError(op, inputs.map((t) => t.device));
  }
  return backend;
}

/** Allocates a dense output on the inputs' backend and runs the op's kernel into it. */
export function runKernel<K extends AnyKernelOp>(op: K, inputs: Tensor[], attrs: KernelAttrs[K], shape: readonly number[], dtype: DType, backend = backendOf(op, inputs)): Tensor {
  if (!backend.dtypes.includes(dtype)) throw new DTypeError(`backend '${backend.name}' cannot hold ${dtype} (op '${op}')`);
  const kernel = backends.kernel(backend, op);
  const size = sizeOf(shape);
  const out = new Tensor(Storage.alloc(backend, dtype, size), shape, contiguousStrides(shape), 0);
  if (size > 0) kernel(inputs.map(viewOf), viewOf(out), attrs);
  return out;
}

/** A new tensor sharing `t`'s storage with other shape/strides/offset. */
export function makeView(t: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  return new Tensor(t.storage.retain(), shape, strides, offset);
}

/** A graph-owned reference to `t`'s data, immune to the disposal of `t` itself. */
function saveForBackward(t: Tensor): Tensor {
  return new Tensor(t.storage.retain(), t.shape, t.strides, t.offset, { scoped: false });
}

/**
 * Records `out = op(inputs)` in the autograd graph when grad mode is on and an input needs a
 * gradient. Inputs listed in `nondiff` (indices, masks) never get one.
 */
export function record<K extends GradOp>(op: K, inputs: Tensor[], out: Tensor, attrs: AttrsOf<K>): Tensor {
  if (!isGradEnabled()) return out;
  const rule = gradRules[op];
  if (rule === 'nondiff') return out;
  let any = false;
  const edges: (Edge | null)[] = inputs.map((t, i) => {
    if (!t.requiresGrad || rule.nondiffInputs?.includes(i)) return null;
    any = true;
    if (t._node) {
      t._node.retain();
      return { node: t._node, leaf: null };
    }
    return { node: null, leaf: t };
  });
  if (!any) return out;
  const saveInputs = rule.save === 'inputs' || rule.save === 'both';
  const saveOutput = rule.save === 'output' || rule.save === 'both';
  const node = new GradNode(
    op,
    attrs,
    edges,
    inputs.map((t) => ({ shape: t.shape, dtype: t.dtype })),
    { shape: out.shape, dtype: out.dtype },
    {
      inputs: saveInputs ? inputs.map((t, i) => (rule.unsavedInputs?.includes(i) ? null : saveForBackward(t))) : null,
      output: saveOutput ? saveForBackward(out) : null,
    },
  );
  out._setNode(node);
  return out;
}
