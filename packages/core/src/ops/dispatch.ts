/**
 * The funnel every kernel call goes through: device checks, output allocation and the kernel
 * call. Ops in the other files of this folder compute shapes and dtypes, call `runKernel` or
 * `makeView`, and then `record` (autograd/record.ts) to join the autograd graph.
 */
import type { Backend, TensorView } from '../backend/backend';
import { backends } from '../backend/global';
import { type DType, isFloat } from '../dtype';
import { DeviceMismatchError, DTypeError } from '../errors';
import { contiguousStrides, formatShape, sizeOf } from '../shape';
import { Storage } from '../storage';
import { Tensor } from '../tensor';
import { type AnyKernelOp, type KernelAttrs, type MultiOutputOp, publicOpName } from './spec';

/** The kernel's-eye view of a tensor. */
export function viewOf(t: Tensor): TensorView {
  return { buffer: t.storage.buffer, dtype: t.dtype, shape: t.shape, strides: t.strides, offset: t.offset };
}

/** The one backend all `inputs` live on; `op` names the user's function in the error. */
export function backendOf(op: string, inputs: readonly Tensor[]): Backend {
  const backend = inputs[0].storage.backend;
  for (let i = 1; i < inputs.length; i++) {
    if (inputs[i].storage.backend !== backend)
      throw new DeviceMismatchError(
        op,
        inputs.map((t) => t.device),
      );
  }
  return backend;
}

/**
 * Checks at the entry of a public op that its tensor arguments (nulls skipped) share a device, so
 * a mismatch names that op rather than a primitive deep inside it.
 */
export function checkSameDevice(op: string, tensors: readonly (Tensor | null | undefined)[]): void {
  backendOf(
    op,
    tensors.filter((t): t is Tensor => t != null),
  );
}

/**
 * Checks at the entry of an op that PyTorch defines for floating-point tensors only (softmax,
 * layerNorm, the losses, …) that `t` (skipped when null) is floating point. Without it an integer
 * input would run the float kernel into an integer output: zeros or truncated values, silently.
 * `what` names the argument in the message.
 */
export function checkFloat(op: string, t: Tensor | null | undefined, what = 'input'): void {
  if (!t || isFloat(t.dtype)) return;
  const why = t.dtype === 'int32' ? ' (tensor() of whole numbers is int32, as in PyTorch)' : '';
  throw new DTypeError(
    `${op}(): the ${what} is ${t.dtype} ${formatShape(t.shape)}, but ${op} is defined for floating-point tensors only: cast it with .cast('float32'), or create it with { dtype: 'float32' }${why}`,
  );
}

/** How an op calls a kernel: the backend when the caller already has it, and the public name for errors. */
export interface KernelCall {
  backend?: Backend;
  /** The function the user called (default: derived from the kernel, e.g. `'add'` for binary add). */
  name?: string;
}

function checkDType(name: string, backend: Backend, dtype: DType): void {
  if (!backend.dtypes.includes(dtype)) {
    const held = backend.dtypes.filter((d) => d !== 'bool').join(', ');
    const move = backend.name === 'cpu' ? '' : `, or move the tensors to a device that holds ${dtype} with .to(device)`;
    throw new DTypeError(`${name}(): backend '${backend.name}' cannot hold ${dtype} (it holds ${held}): cast to one of those with .cast(dtype)${move}`);
  }
}

function allocDense(backend: Backend, shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(Storage.alloc(backend, dtype, sizeOf(shape)), shape, contiguousStrides(shape), 0);
}

/** Allocates a dense output on the inputs' backend and runs the op's kernel into it. */
export function runKernel<K extends Exclude<AnyKernelOp, MultiOutputOp>>(
  op: K,
  inputs: Tensor[],
  attrs: KernelAttrs[K],
  shape: readonly number[],
  dtype: DType,
  call: KernelCall = {},
): Tensor {
  const name = call.name ?? publicOpName(op, attrs);
  const backend = call.backend ?? backendOf(name, inputs);
  checkDType(name, backend, dtype);
  const kernel = backends.kernel(backend, op, name) as (inputs: TensorView[], out: TensorView, attrs: KernelAttrs[K]) => void;
  const out = allocDense(backend, shape, dtype);
  if (out.size > 0) kernel(inputs.map(viewOf), viewOf(out), attrs);
  return out;
}

/** Allocates one dense output per entry of `outputs` and runs a multi-output kernel into them. */
export function runKernelOutputs<K extends MultiOutputOp>(
  op: K,
  inputs: Tensor[],
  attrs: KernelAttrs[K],
  outputs: readonly { shape: readonly number[]; dtype: DType }[],
  call: KernelCall = {},
): Tensor[] {
  const name = call.name ?? publicOpName(op, attrs);
  const backend = call.backend ?? backendOf(name, inputs);
  for (const o of outputs) checkDType(name, backend, o.dtype);
  const kernel = backends.kernel(backend, op, name) as (inputs: TensorView[], outs: TensorView[], attrs: KernelAttrs[K]) => void;
  const outs = outputs.map((o) => allocDense(backend, o.shape, o.dtype));
  if (outs.some((t) => t.size > 0)) kernel(inputs.map(viewOf), outs.map(viewOf), attrs);
  return outs;
}

/** A new tensor sharing `t`'s storage with other shape/strides/offset. */
export function makeView(t: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  return new Tensor(t.storage.retain(), shape, strides, offset);
}
