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

/** Replaces every `a<k>` and `t<k>` name in WGSL text. */
function rename(text: string, leaf: (k: number) => string, temp: (k: number) => string): string {
  return text.replace(/\b([at])(\d+)\b/g, (_, kind: string, k: string) => (kind === 'a' ? leaf(Number(k)) : temp(Number(k))));
}

class PendingMap implements PendingWrite {
  constructor(
    readonly ctx: KernelContext,
    readonly out: TensorView,
    /** Input views, each in the output's shape (`a<k>` in the lines). */
    readonly leaves: readonly TensorView[],
    /** `let t<k> = …;` lines, in order. */
    readonly lines: readonly string[],
    /** The op names, for errors and the dispatch counters. */
    readonly ops: readonly string[],
  ) {
    for (const v of leaves) ctx.stream.pin(handle(v));
    handle(out).pending = this;
    ctx.stream.pending.add(this);
  }

  /** The name holding the result (the last line's). */
  get result(): string {
    return `t${this.lines.length - 1}`;
  }

  materialize(): void {
    if (!this.#settle()) return;
    const st = storageType(this.out.dtype);
    const store = `${this.lines.join('\n  ')}\n  out[i] = ${st}(${this.result});`;
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
  const lines: string[] = [];
  const ops: string[] = [];
  const leafName = (v: TensorView) => {
    let k = leaves.findIndex((l) => sameView(l, v));
    if (k < 0) k = leaves.push(v) - 1;
    return `a${k}`;
  };
  // a pending input read twice (mul(x, x)) is inlined once
  const inlined = new Map<PendingMap, string>();
  const args = spec.inputs.map((v) => {
    const p = handle(v).pending;
    const seen = p instanceof PendingMap && inlinable(p, v, spec.out.shape) ? inlined.get(p) : undefined;
    if (seen) return seen;
    if (!(p instanceof PendingMap) || !inlinable(p, v, spec.out.shape) || lines.length + p.lines.length >= MAX_FUSED_OPS) {
      p?.materialize();
      return leafName(v);
    }
    const names = p.leaves.map(leafName);
    const base = lines.length;
    for (const line of p.lines)
      lines.push(
        rename(
          line,
          (k) => names[k],
          (k) => `t${base + k}`,
        ),
      );
    ops.push(...p.ops);
    const result = `t${base + p.lines.length - 1}`;
    inlined.set(p, result);
    return result;
  });
  if (leaves.length > MAX_FUSED_INPUTS) {
    // too many distinct inputs to bind: run the inputs' expressions, and record this op alone
    for (const v of spec.inputs) handle(v).pending?.materialize();
    new PendingMap(ctx, spec.out, spec.inputs, [`let t0 = ${spec.expr};`], [spec.op]);
    return;
  }
  lines.push(
    `let t${lines.length} = ${rename(
      spec.expr,
      (k) => args[k],
      (k) => `t${k}`,
    )};`,
  );
  ops.push(spec.op);
  new PendingMap(ctx, spec.out, leaves, lines, ops);
}
