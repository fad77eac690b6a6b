/**
 * The backend contract: a small, dumb object that owns buffers and runs kernels. Backends know
 * nothing of autograd, scopes or broadcasting; the frontend hands every kernel views whose shapes
 * already line up, and a freshly allocated dense output.
 */
import type { DType, TypedArray } from '../dtype';
import type { AnyKernelOp, KernelAttrs, KernelOp, MultiOutputOp } from '../ops/spec';

/** A backend's handle to device memory. Opaque to everything but its backend. */
export type BackendBuffer = unknown;

/** A strided window onto a buffer, as kernels see their inputs. */
export interface TensorView {
  readonly buffer: BackendBuffer;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Element strides (0 for broadcast dims). */
  readonly strides: readonly number[];
  /** Element offset of the first element. */
  readonly offset: number;
}

/**
 * A kernel writes `out` (dense, row-major, freshly allocated) from `inputs`; one of the
 * multi-output ops (`KernelOutputCounts`) writes each of `outs` instead.
 */
export type Kernel<K extends AnyKernelOp> = K extends MultiOutputOp
  ? (inputs: TensorView[], outs: TensorView[], attrs: KernelAttrs[K]) => void
  : (inputs: TensorView[], out: TensorView, attrs: KernelAttrs[K]) => void;

/**
 * A backend's kernels, keyed by primitive (a missing one fails loudly when the op is used) and
 * by fusable composite (a missing one falls back to the composite).
 */
export type KernelTable = { [K in AnyKernelOp]?: Kernel<K> };
/** The complete table every reference backend (the CPU) must provide. */
export type FullKernelTable = { [K in KernelOp]: Kernel<K> };

/**
 * A device: how it allocates, reads and writes buffers, and its kernel table. `cpuBackend()` and
 * `createWebGPUBackend()` make one; `registerBackend` makes it a device tensors can live on.
 */
export interface Backend {
  /** The device name tensors report, e.g. `'cpu'` or `'webgpu'`. */
  readonly name: string;
  /** The dtypes this backend can hold. */
  readonly dtypes: readonly DType[];
  /** Allocates a zero-filled buffer for `size` elements of `dtype`. */
  alloc(dtype: DType, size: number): BackendBuffer;
  /** Releases a buffer. Called exactly once per buffer, when its last tensor is gone. */
  free(buffer: BackendBuffer): void;
  /** Copies host data into a buffer (elements of the buffer's dtype, starting at element 0). */
  write(buffer: BackendBuffer, dtype: DType, data: TypedArray): void;
  /** Reads `size` elements back to the host. */
  read(buffer: BackendBuffer, dtype: DType, size: number): Promise<TypedArray>;
  /** Synchronous read, where it is cheap. Backends that cannot read synchronously omit it. */
  readSync?(buffer: BackendBuffer, dtype: DType, size: number): TypedArray;
  /** Resolves when all work enqueued so far has finished. */
  sync(): Promise<void>;
  /** Kernels by primitive. */
  readonly kernels: KernelTable;
  /** Releases the backend's resources (device, pools). */
  dispose?(): void;
}
