/**
 * Lazy elementwise fusion. Unary, binary, where, cast and GELU do not dispatch when called: they
 * record their expression on the output buffer, and an expression whose input is another pending
 * result of the same shape, read densely, takes that result's expression in (as `let` lines, so
 * nothing is computed twice within a kernel). The buffer's expression runs as one generated map
 * kernel when something reads the buffer: another kernel (through `buf`), a read, a copy, or a
 * sync. A pending result freed unread never runs. On lavapipe a dispatch costs about 20 µs
 * however small, so a chain of 200 `add(x, 1)` was bound by its 200 dispatches (37 500 ops/s).
 *
 * Buffers an expression reads are pinned: freeing one is deferred until the expression runs or
 * is dropped, so the pool cannot hand it to another tensor first. Storage is never mutated after
 * its defining write (`assign` rebinds), so a pinned buffer's contents cannot change either.
 */
import type { TensorView } from '../../backend';
import type { GpuTensorBuffer, PendingWrite } from '../encoder';
import { storageType } from '../wgsl/common';
import { contiguousStrides, sizeOf } from '../../../shape';
import type { KernelContext } from './context';
import { runMap } from './map';

/**
 * Expression lines per kernel at most: long chains are cut into kernels of this many ops, which
 * keeps shaders small to compile (a new chain shape compiles a new pipeline) while cutting the
 * dispatches of a chain 32-fold.
 */
export const MAX_FUSED_OPS = 32;
/** Distinct input views per kernel: 8 storage buffers per stage (the default and compat limit) less the output and the parameters. */
export const MAX_FUSED_INPUTS = 6;

/** One elementwise op as the kernels record it: `expr` over `a0 …` (the inputs' compute values). */
export interface LazyMapSpec {
  op: string;
  /** What distinguishes the op's shader when it runs alone (as MapSpec's `key`). */
  key: string;
  inputs: readonly TensorView[];
  out: TensorView;
  expr: string;
}

const handle = (v: TensorView) => v.buffer as GpuTensorBuffer;

/** A tiny tensor never written: it reads as zeros (the stream binds the zero constant). */
const zeros = (b: GpuTensorBuffer) => b.gpu === null && b.constant === null && !b.pending;

/**
 * Whether two views read the same elements: one buffer, or one shared constant (`add(x, 1)`
 * makes a new scalar tensor per call, and they share one constant buffer), offset and strides.
 */
function sameView(a: TensorView, b: TensorView): boolean {
  const [x, y] = [handle(a), handle(b)];
  const sameBuffer = x === y || (x.constant !== null && x.constant === y.constant) || (zeros(x) && zeros(y) && x.bytes === y.bytes);
  return sameBuffer && a.dtype === b.dtype && a.offset === b.offset && a.strides.every((s, d) => s === b.strides[d]);
}

/**
 * One recorded op: its WGSL expression over its own arguments `a0 …`, and what each argument is:
 * an input view (k ≥ 0: leaf k) or an earlier node's value (k < 0: node −k − 1). Kept as numbers
 * so that taking an expression into another copies no strings; WGSL is written once, when the
 * expression runs (renaming strings on every op was a seventh of a 200-add chain's host time).
 */
interface ExprNode {
  readonly expr: string;
  readonly args: readonly number[];
}

/** `let t<k> = …;` for node k, its arguments named `a<leaf>` and `t<node>`. */
function line(node: ExprNode, k: number): string {
  const expr = node.expr.replace(/\ba(\d+)\b/g, (_, j: string) => {
    const r = node.args[Number(j)];
    return r >= 0 ? `a${r}` : `t${-r - 1}`;
  });
  return `let t${k} = ${expr};`;
}

class PendingMap implements PendingWrite {
  constructor(
    readonly ctx: KernelContext,
    readonly out: TensorView,
    /** Input views, each in the output's shape. */
    readonly leaves: readonly TensorView[],
    /** The ops in order; the last one's value is the result. */
    readonly nodes: readonly ExprNode[],
    /** The op names, for errors and the dispatch counters. */
    readonly ops: readonly string[],
  ) {
    for (const v of leaves) ctx.stream.pin(handle(v));
    handle(out).pending = this;
    ctx.stream.pending.add(this);
  }

  materialize(): void {
    if (!this.#settle()) return;
    const st = storageType(this.out.dtype);
    const store = `${this.nodes.map(line).join('\n  ')}\n  out[i] = ${st}(t${this.nodes.length - 1});`;
    const op = this.ops.length === 1 ? this.ops[0] : `fused:${this.ops[0]}+${this.ops.length - 1}`;
    try {
      runMap(this.ctx, { op, key: `lazy|${store}`, inputs: this.leaves, out: this.out, expr: '', store });
    } finally {
      for (const v of this.leaves) this.ctx.stream.unpin(handle(v));
    }
  }

  drop(): void {
    if (this.#settle()) for (const v of this.leaves) this.ctx.stream.unpin(handle(v));
  }

  /** Detaches from the buffer; false when already run or dropped. */
  #settle(): boolean {
    const b = handle(this.out);
    if (b.pending !== this) return false;
    b.pending = null;
    this.ctx.stream.pending.delete(this);
    return true;
  }
}

/**
 * Whether `v` reads all of pending `p`'s result densely, in `shape`: then `p`'s lines can be
 * inlined. A float16 result never is: its value is rounded where it is stored, and drivers may
 * fold an explicit `f32(f16(x))` away (lavapipe does), so it runs and is read back from storage.
 */
function inlinable(p: PendingMap, v: TensorView, shape: readonly number[]): boolean {
  if (p.out.dtype === 'float16' || v.offset !== 0 || p.out.shape.length !== shape.length || p.out.shape.some((d, i) => d !== shape[i])) return false;
  const dense = contiguousStrides(shape);
  return shape.every((d, i) => d === 1 || v.strides[i] === dense[i]);
}

/** Records one elementwise op (or runs it at once when fusion is off). */
export function recordMap(ctx: KernelContext, spec: LazyMapSpec): void {
  const { stream } = ctx;
  // the errors a dispatch would raise, raised now under this op's name
  stream.checkAlive(spec.op);
  for (const v of spec.inputs) stream.checkBinding(spec.op, handle(v));
  stream.checkBinding(spec.op, handle(spec.out));
  if (!ctx.fuseElementwise || sizeOf(spec.out.shape) === 0) {
    runMap(ctx, { op: spec.op, key: spec.key, inputs: spec.inputs, out: spec.out, expr: spec.expr });
    return;
  }
  const leaves: TensorView[] = [];
  const nodes: ExprNode[] = [];
  const ops: string[] = [];
  const leaf = (v: TensorView) => {
    const k = leaves.findIndex((l) => sameView(l, v));
    return k < 0 ? leaves.push(v) - 1 : k;
  };
  // a pending input read twice (mul(x, x)) is inlined once
  const inlined = new Map<PendingMap, number>();
  const args = spec.inputs.map((v) => {
    const p = handle(v).pending;
    if (!(p instanceof PendingMap) || !inlinable(p, v, spec.out.shape)) {
      p?.materialize();
      return leaf(v);
    }
    const seen = inlined.get(p);
    if (seen !== undefined) return seen;
    if (nodes.length + p.nodes.length >= MAX_FUSED_OPS) {
      p.materialize();
      return leaf(v);
    }
    const leafOf = p.leaves.map(leaf);
    const base = nodes.length;
    for (const n of p.nodes) nodes.push({ expr: n.expr, args: n.args.map((r) => (r >= 0 ? leafOf[r] : r - base)) });
    ops.push(...p.ops);
    const result = -(nodes.length - 1) - 1;
    inlined.set(p, result);
    return result;
  });
  if (leaves.length > MAX_FUSED_INPUTS) {
    // too many distinct inputs to bind: run the inputs' expressions, and record this op alone
    for (const v of spec.inputs) handle(v).pending?.materialize();
    new PendingMap(ctx, spec.out, spec.inputs, [{ expr: spec.expr, args: spec.inputs.map((_, k) => k) }], [spec.op]);
    return;
  }
  nodes.push({ expr: spec.expr, args });
  ops.push(spec.op);
  new PendingMap(ctx, spec.out, leaves, nodes, ops);
}
