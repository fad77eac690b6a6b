/**
 * The Tensor: a shape, strides and offset over a reference-counted Storage, a dtype, and its place
 * in the autograd graph. Every method is a one-line call of the free function of the same name,
 * so ops are defined in one place (`ops/`) and never patched onto the prototype.
 */
import { backward } from './autograd/backward';
import type { GradNode } from './autograd/graph';
import { type DType, isFloat, type TypedArray } from './dtype';
import { ArgumentError, DisposedError, GraftError } from './errors';
import { countCollected, type Scope, trackTensor, trackTensorUnscoped, untrackTensor, keep as keepTensor } from './memory';
import { allocationSite } from './memory-debug';
import { formatTensor } from './print';
import { isContiguous, shapesEqual, sizeOf } from './shape';
import type { Storage } from './storage';
import * as ops from './ops/index';
import type { TensorLike } from './ops/index';

interface Held {
  storage: Storage;
  node: GradNode | null;
  /** Where the tensor was created, when allocation debugging is on. */
  site: string | undefined;
}

const finalizer = new FinalizationRegistry<Held>((held) => {
  // Safety net only: a tensor became unreachable without dispose(). Release it and count it:
  // memory-debug warns once per batch of collections, with the batch's count and bytes.
  const last = held.storage.refs === 1;
  held.storage.release();
  held.node?.release();
  countCollected(last ? held.storage.bytes : 0, held.site);
});

let nextId = 1;

/**
 * An n-dimensional array on one device, with a dtype and a place in the autograd graph. Create
 * one with `tensor`, `zeros`, `randn`, …; ops are free functions (`add(a, b)`) and, for those
 * that chain, methods (`a.add(b)`). Dispose it with `dispose()`, `using`, or a `scope`.
 */
export class Tensor implements Disposable {
  /** A process-unique id, for debugging and maps keyed by tensor. */
  readonly id = nextId++;
  /** The dimensions, outermost first (`[]` for a scalar). */
  readonly shape: readonly number[];
  /** Elements to step in storage per step along each dim (0 along broadcast dims). */
  readonly strides: readonly number[];
  /** Where the first element sits in the storage, in elements. */
  readonly offset: number;
  /** The element type. */
  readonly dtype: DType;
  /** The gradient accumulated by `backward()`, for tensors that require it. */
  grad: Tensor | null = null;
  /** @internal */ _scope: Scope | null = null;
  /** @internal the node that produced this tensor, when it was recorded */
  _node: GradNode | null = null;
  #storage: Storage | null;
  #requiresGrad = false;
  #held: Held;

  /**
   * A new leaf tensor object over `source`'s values: the supported way to make a Tensor subclass
   * (nn's `Parameter` is `super(data)`). It shares `source`'s storage when `source` owns dense
   * data (safe: storage is never mutated, `assign` rebinds it) and holds a dense copy of a view
   * otherwise. It has no gradient history, joins the current scope like any new tensor, and
   * leaves `source` to its owner. To create tensors from values, use `tensor`, `zeros`, ….
   */
  constructor(source: Tensor);
  /** @internal how ops construct tensors: takes over one reference of `storage` */
  constructor(storage: Storage, shape: readonly number[], strides: readonly number[], offset: number, opts?: { scoped?: boolean });
  constructor(from: Tensor | Storage, shape?: readonly number[], strides?: readonly number[], offset = 0, opts: { scoped?: boolean } = {}) {
    let storage: Storage;
    if (from instanceof Tensor) {
      const owning = from.isContiguous && from.offset === 0 && from.storage.size === from.size;
      const dense = owning ? from : ops.denseCopyOf(from);
      storage = dense.storage.retain();
      [shape, strides, offset] = [dense.shape, dense.strides, 0];
      if (dense !== from) dense.dispose();
    } else {
      storage = from;
    }
    this.#storage = storage;
    this.shape = Object.freeze([...shape!]);
    this.strides = Object.freeze([...strides!]);
    this.offset = offset;
    this.dtype = storage.dtype;
    this.#held = { storage, node: null, site: allocationSite() };
    finalizer.register(this, this.#held, this);
    // Saved copies inside the autograd graph belong to their node, never to a scope, but they
    // still count as live so that memory() shows a graph that was never released.
    if (opts.scoped === false) trackTensorUnscoped(this.#held.site);
    else trackTensor(this, this.#held.site);
  }

  /** @internal */
  get storage(): Storage {
    if (!this.#storage) throw new DisposedError(`tensor #${this.id} ${this.describe()}`);
    return this.#storage;
  }

  /** @internal attaches the node that produced this tensor */
  _setNode(node: GradNode): void {
    this._node = node;
    this.#held.node = node;
  }

  /** The name of the device (backend) holding the data. */
  get device(): string {
    return this.storage.backend.name;
  }
  /** The number of dims (0 for a scalar). */
  get rank(): number {
    return this.shape.length;
  }
  /** The number of elements (the product of the shape). */
  get size(): number {
    return sizeOf(this.shape);
  }
  /** Whether `dispose()` has released this tensor (using it then throws a DisposedError). */
  get isDisposed(): boolean {
    return this.#storage === null;
  }
  /** Whether the elements are laid out densely in row-major order (a view may not be). */
  get isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }
  /** Whether this tensor was created by the user rather than recorded from an op. */
  get isLeaf(): boolean {
    return this._node === null;
  }
  /** Whether gradients flow to (leaf) or through (recorded result) this tensor. */
  get requiresGrad(): boolean {
    return this.#requiresGrad || this._node !== null;
  }
  /** Same as `requiresGrad_(on)`: marks a leaf tensor as needing gradients (or not). */
  set requiresGrad(on: boolean) {
    this.requiresGrad_(on);
  }

  /** Marks a leaf tensor as needing gradients. Returns it. */
  requiresGrad_(on = true): this {
    if (this._node) throw new GraftError('not_leaf', 'requiresGrad can only be set on leaf tensors; use detach() to start a new leaf');
    if (on && !isFloat(this.dtype)) throw new ArgumentError(`only floating-point tensors can require gradients (got ${this.dtype})`);
    this.#requiresGrad = on;
    return this;
  }

  /** `Tensor(shape=[…], dtype=…, device=…)`: the one-line summary error messages use, without values. */
  describe(): string {
    return `Tensor(shape=[${this.shape.join(', ')}], dtype=${this.dtype}${this.#storage ? `, device=${this.device}` : ', disposed'})`;
  }
  /** The values (summarised past 1000 elements), shape, dtype and device; values are read only where that is synchronous (the CPU). */
  toString(): string {
    return formatTensor(this);
  }
  /** What `console.log(t)` shows in Node: the same as `toString()` (no node:util import, so browsers load this file too). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return formatTensor(this);
  }

  /** Releases this tensor's reference to its storage (views keep the storage alive). Idempotent. */
  dispose(): void {
    if (!this.#storage) return;
    finalizer.unregister(this);
    untrackTensor(this, this.#held.site);
    this.#storage.release();
    this.#storage = null;
    this._node?.release();
    this._node = null;
    this.#held.node = null;
  }
  /** Disposes the tensor at the end of a `using` block. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Keeps this tensor alive past the enclosing scope. Returns it. */
  keep(): this {
    return keepTensor(this);
  }

  /**
   * Replaces this tensor's values with `src`'s (same shape; cast to this dtype), keeping the
   * tensor object: the in-place update of optimizer steps and EMA weights. Views taken earlier
   * keep the old values, because storage is never mutated, only rebound. Not recorded by autograd.
   */
  assign(src: Tensor): this {
    if (!shapesEqual(src.shape, this.shape)) {
      throw new GraftError('assign_mismatch', `cannot assign ${src.describe()} into ${this.describe()}`);
    }
    if (!this.isContiguous || this.offset !== 0 || this.storage.size !== this.size) {
      throw new GraftError('assign_view', `assign() needs a tensor that owns its data, not a view (${this.describe()})`);
    }
    const dense = ops.denseCopyOf(src, this.dtype);
    const next = dense.storage.retain();
    dense.dispose();
    this.storage.release();
    this.#storage = next;
    this.#held.storage = next;
    return this;
  }

  // ---- reading values (asynchronous first; dataSync where the backend allows it) ----

  /** The elements in row-major order. */
  async data(): Promise<TypedArray> {
    return ops.readData(this);
  }
  /** The elements in row-major order, synchronously; throws on backends that cannot. */
  dataSync(): TypedArray {
    return ops.readDataSync(this);
  }
  /** The single value of a one-element tensor. */
  async item(): Promise<number> {
    return ops.itemOf(this, await this.data());
  }
  /** The single value of a one-element tensor, synchronously; throws on backends that cannot read synchronously. */
  itemSync(): number {
    return ops.itemOf(this, this.dataSync());
  }
  /** The values as nested arrays. */
  async array(): Promise<unknown> {
    return ops.toNested(this.shape, await this.data(), this.dtype === 'bool');
  }
  /** The values as nested arrays, synchronously; throws on backends that cannot read synchronously. */
  arraySync(): unknown {
    return ops.toNested(this.shape, this.dataSync(), this.dtype === 'bool');
  }

  // ---- devices ----
  /**
   * A copy of this tensor on `device` (this tensor itself when it is already there). Runs
   * synchronously when this tensor's backend can read synchronously (the CPU, so `cpu → webgpu`
   * always works); from a GPU use `await t.toAsync(device)`. The copy is a new leaf: autograd
   * does not flow through device moves.
   */
  to(device: string): Tensor {
    if (device === this.device) return this;
    if (!this.storage.backend.readSync) {
      throw new GraftError('sync_read_unsupported', `${this.describe()} cannot move to '${device}' synchronously; use \`await tensor.toAsync('${device}')\``);
    }
    return ops.tensor(this.dataSync(), { shape: this.shape, dtype: this.dtype, device });
  }
  /** A copy of this tensor on `device`, from any backend (this tensor itself when already there). */
  async toAsync(device: string): Promise<Tensor> {
    if (device === this.device) return this;
    return ops.tensor(await this.data(), { shape: this.shape, dtype: this.dtype, device });
  }

  // ---- autograd ----
  /**
   * Accumulates the gradient of this tensor into `.grad` of every leaf that requires one. A
   * one-element tensor needs no `gradient`; any other needs one of its shape. The graph's saved tensors are
   * freed unless `retainGraph`.
   */
  backward(gradient?: Tensor, opts?: { retainGraph?: boolean }): void {
    backward(this, gradient, opts);
  }
  /** A new leaf sharing this tensor's data, outside the graph. */
  detach(): Tensor {
    return ops.detach(this);
  }
  /** A copy with its own storage; gradients flow through it. */
  clone(): Tensor {
    return ops.clone(this);
  }

  // ---- elementwise ----
  /** `this + o`, broadcasting (see {@link add}). */
  add(o: TensorLike): Tensor {
    return ops.add(this, o);
  }
  /** `this - o`, broadcasting. */
  sub(o: TensorLike): Tensor {
    return ops.sub(this, o);
  }
  /** `this · o`, elementwise, broadcasting. */
  mul(o: TensorLike): Tensor {
    return ops.mul(this, o);
  }
  /** True division `this / o`, broadcasting: integers give float32. */
  div(o: TensorLike): Tensor {
    return ops.div(this, o);
  }
  /** `thisᵒ`, elementwise, broadcasting (see {@link pow}). */
  pow(o: TensorLike): Tensor {
    return ops.pow(this, o);
  }
  /** The larger of `this` and `o`, elementwise, broadcasting. */
  maximum(o: TensorLike): Tensor {
    return ops.maximum(this, o);
  }
  /** The smaller of `this` and `o`, elementwise, broadcasting. */
  minimum(o: TensorLike): Tensor {
    return ops.minimum(this, o);
  }
  /** Remainder with the sign of the divisor (Python's `%`). */
  mod(o: TensorLike): Tensor {
    return ops.mod(this, o);
  }
  /** `this == o` as a bool tensor. */
  eq(o: TensorLike): Tensor {
    return ops.eq(this, o);
  }
  /** `this != o` as a bool tensor. */
  ne(o: TensorLike): Tensor {
    return ops.ne(this, o);
  }
  /** `this < o` as a bool tensor. */
  lt(o: TensorLike): Tensor {
    return ops.lt(this, o);
  }
  /** `this <= o` as a bool tensor. */
  le(o: TensorLike): Tensor {
    return ops.le(this, o);
  }
  /** `this > o` as a bool tensor. */
  gt(o: TensorLike): Tensor {
    return ops.gt(this, o);
  }
  /** `this >= o` as a bool tensor. */
  ge(o: TensorLike): Tensor {
    return ops.ge(this, o);
  }
  /** `this && o` as a bool tensor (non-zero is true). */
  logicalAnd(o: TensorLike): Tensor {
    return ops.logicalAnd(this, o);
  }
  /** `this || o` as a bool tensor (non-zero is true). */
  logicalOr(o: TensorLike): Tensor {
    return ops.logicalOr(this, o);
  }
  /** `!this` as a bool tensor (non-zero is true). */
  logicalNot(): Tensor {
    return ops.logicalNot(this);
  }
  /** `-this` (a bool tensor throws; use `logicalNot`). */
  neg(): Tensor {
    return ops.neg(this);
  }
  /** `|this|`, elementwise. */
  abs(): Tensor {
    return ops.abs(this);
  }
  /** -1 or 1 by the sign of each element; ±0 and NaN are kept. */
  sign(): Tensor {
    return ops.sign(this);
  }
  /** `eˣ`, elementwise; integers give float32. */
  exp(): Tensor {
    return ops.exp(this);
  }
  /** The natural logarithm, elementwise; integers give float32. */
  log(): Tensor {
    return ops.log(this);
  }
  /** `√x`, elementwise; integers give float32. */
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  /** `1/√x`, elementwise; integers give float32. */
  rsqrt(): Tensor {
    return ops.rsqrt(this);
  }
  /** `1/x`, elementwise; integers give float32. */
  reciprocal(): Tensor {
    return ops.reciprocal(this);
  }
  /** `x · x`, elementwise. */
  square(): Tensor {
    return ops.square(this);
  }
  /** The hyperbolic tangent, elementwise; integers give float32. */
  tanh(): Tensor {
    return ops.tanh(this);
  }
  /** `1/(1 + e⁻ˣ)`, elementwise; integers give float32. */
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  /** `max(0, x)`, elementwise. */
  relu(): Tensor {
    return ops.relu(this);
  }
  /** The Gauss error function, elementwise; integers give float32. */
  erf(): Tensor {
    return ops.erf(this);
  }
  /** The sine (radians), elementwise; integers give float32. */
  sin(): Tensor {
    return ops.sin(this);
  }
  /** The cosine (radians), elementwise; integers give float32. */
  cos(): Tensor {
    return ops.cos(this);
  }
  /** Rounds down, elementwise. */
  floor(): Tensor {
    return ops.floor(this);
  }
  /** Rounds up, elementwise. */
  ceil(): Tensor {
    return ops.ceil(this);
  }
  /** Rounds to the nearest integer, halves to even. */
  round(): Tensor {
    return ops.round(this);
  }
  /** Limits values to `[min, max]` (either bound may be omitted). */
  clamp(min?: number | null, max?: number | null): Tensor {
    return ops.clamp(this, min, max);
  }
  /** `cond ? this : other`, elementwise. */
  where(cond: Tensor, other: TensorLike): Tensor {
    return ops.where(cond, this, other);
  }
  /** `value` where `mask` is true, this tensor's values elsewhere. */
  maskedFill(mask: Tensor, value: number): Tensor {
    return ops.maskedFill(this, mask, value);
  }
  /** Converts to `dtype` (float → int truncates toward zero; anything → bool is `x != 0`). */
  cast(dtype: DType): Tensor {
    return ops.cast(this, dtype);
  }

  // ---- reductions ----
  /** Sum over `axis` (all axes when omitted), keeping the reduced dims as size 1 when `keepDims`. */
  sum(axis?: number | number[] | null, keepDims = false): Tensor {
    return ops.sum(this, axis, keepDims);
  }
  /** Arithmetic mean over `axis` (all axes when omitted); integers give float32. */
  mean(axis?: number | number[] | null, keepDims = false): Tensor {
    return ops.mean(this, axis, keepDims);
  }
  /** Product over `axis` (all axes when omitted). */
  prod(axis?: number | number[] | null, keepDims = false): Tensor {
    return ops.prod(this, axis, keepDims);
  }
  /** Maximum over `axis` (all axes when omitted). */
  max(axis?: number | number[] | null, keepDims = false): Tensor {
    return ops.max(this, axis, keepDims);
  }
  /** Minimum over `axis` (all axes when omitted). */
  min(axis?: number | number[] | null, keepDims = false): Tensor {
    return ops.min(this, axis, keepDims);
  }
  /** Index of the largest value along `axis` (of the flattened tensor when omitted), as int32. */
  argmax(axis?: number | null, keepDims = false): Tensor {
    return ops.argmax(this, axis, keepDims);
  }
  /** Index of the smallest value along `axis` (of the flattened tensor when omitted), as int32. */
  argmin(axis?: number | null, keepDims = false): Tensor {
    return ops.argmin(this, axis, keepDims);
  }
  /** Variance over `axis` (unbiased by default, as `torch.var`). */
  variance(axis?: number | number[] | null, opts?: ops.VarOptions): Tensor {
    return ops.variance(this, axis, opts);
  }
  /** Standard deviation over `axis` (unbiased by default). */
  std(axis?: number | number[] | null, opts?: ops.VarOptions): Tensor {
    return ops.std(this, axis, opts);
  }
  /** `log(sum(exp(x)))` over `axis`, computed stably. */
  logsumexp(axis?: number | number[] | null, keepDims = false): Tensor {
    return ops.logsumexp(this, axis, keepDims);
  }

  // ---- shape and indexing ----
  /** `this @ o`, with NumPy's 1-D and batch rules; both must have one dtype (see {@link matmul}). */
  matmul(o: Tensor): Tensor {
    return ops.matmul(this, o);
  }
  /** The same elements in a new shape (one dim may be -1); copies first when the data is not contiguous. */
  reshape(...shape: number[] | [number[]]): Tensor {
    return ops.reshape(this, ops.shapeArg(shape));
  }
  /** Like `reshape`, but never copies: throws when the data is not contiguous. */
  view(...shape: number[] | [number[]]): Tensor {
    return ops.view(this, ops.shapeArg(shape));
  }
  /** Merges the dims from `startAxis` to `endAxis` into one. */
  flatten(startAxis = 0, endAxis = -1): Tensor {
    return ops.flatten(this, startAxis, endAxis);
  }
  /** The dims reordered by `perm` (a view). */
  permute(...perm: number[] | [number[]]): Tensor {
    return ops.permute(this, ops.shapeArg(perm));
  }
  /** Swaps two dims, by default the last two (a view). */
  transpose(axis0 = -2, axis1 = -1): Tensor {
    return ops.transpose(this, axis0, axis1);
  }
  /** Broadcasts size-1 dims (and new leading dims) to `shape` without copying (a view). */
  expand(...shape: number[] | [number[]]): Tensor {
    return ops.expand(this, ops.shapeArg(shape));
  }
  /** Broadcasts this tensor to `o`'s shape (a view). */
  expandAs(o: Tensor): Tensor {
    return ops.expand(this, [...o.shape]);
  }
  /** Removes size-1 dims: the given ones, or all of them. */
  squeeze(axis?: number | number[]): Tensor {
    return ops.squeeze(this, axis);
  }
  /** Inserts a size-1 dim at `axis`. */
  unsqueeze(axis: number): Tensor {
    return ops.unsqueeze(this, axis);
  }
  /** A strided view with Python's slicing rules, one entry per leading dim (see {@link slice}). */
  slice(ranges: ops.SliceRange[]): Tensor {
    return ops.slice(this, ranges);
  }
  /** `length` elements along `axis` from `start` (a view). */
  narrow(axis: number, start: number, length: number): Tensor {
    return ops.narrow(this, axis, start, length);
  }
  /** This tensor when its layout is dense row-major, else a dense copy. */
  contiguous(): Tensor {
    return ops.contiguous(this);
  }
  /** Pads with `value`: a `[before, after]` pair per dim, first dim first (see {@link pad}). */
  pad(widths: ops.PadSpec, value = 0): Tensor {
    return ops.pad(this, widths, value);
  }
  /** Views of consecutive pieces along `axis`: of `sizes` each (the last may be smaller), or of the sizes listed. */
  split(sizes: number | number[], axis = 0): Tensor[] {
    return ops.split(this, sizes, axis);
  }
  /** Splits into `chunks` nearly equal pieces along `axis`, as `torch.chunk`. */
  chunk(chunks: number, axis = 0): Tensor[] {
    return ops.chunk(this, chunks, axis);
  }
  /** Picks values along `axis` at int32 `index`, as `torch.gather`. */
  gather(axis: number, index: Tensor): Tensor {
    return ops.gather(this, axis, index);
  }
  /** The slices along `axis` at the int32 indices of a 1-D `index`, in that order. */
  indexSelect(axis: number, index: Tensor): Tensor {
    return ops.indexSelect(this, axis, index);
  }
  /** A copy with `src` added at int32 `index` along `axis`, as `torch.scatter_add`. */
  scatterAdd(axis: number, index: Tensor, src: Tensor): Tensor {
    return ops.scatterAdd(this, axis, index, src);
  }
  /** Keeps the lower triangle of the last two dims (from `diagonal` down), zeros the rest. */
  tril(diagonal = 0): Tensor {
    return ops.tril(this, diagonal);
  }
  /** Keeps the upper triangle of the last two dims (from `diagonal` up), zeros the rest. */
  triu(diagonal = 0): Tensor {
    return ops.triu(this, diagonal);
  }

  // ---- composites ----
  /** `exp(x) / sum(exp(x))` along `axis` (floating-point tensors only). */
  softmax(axis = -1): Tensor {
    return ops.softmax(this, axis);
  }
  /** `x - logsumexp(x)` along `axis` (floating-point tensors only). */
  logSoftmax(axis = -1): Tensor {
    return ops.logSoftmax(this, axis);
  }
}
