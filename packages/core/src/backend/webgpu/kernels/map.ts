/**
 * The generic elementwise kernel: any number of strided inputs, one dense output (or several
 * of one shape, written by a custom store), and a WGSL expression per element. Unary, binary, where, cast, contiguous, GELU, fill and the AdamW update
 * are all instances of it.
 */
import type { DType } from '../../../dtype';
import type { TensorView } from '../../backend';
import { WORKGROUP } from '../constants';
import { computeType, decode, enables, HELPERS, Meta, offsetExpr, storageType } from '../wgsl/common';
import { buf, loopGrid, loopHead, type KernelContext } from './context';
import { collapseDims, sizeOf } from '../../../shape';

export interface MapSpec {
  /** Op name for errors. */
  op: string;
  /** What distinguishes this shader besides dtypes and shape class (e.g. `unary:exp`). */
  key: string;
  inputs: readonly TensorView[];
  out: TensorView;
  /** Further outputs of the out's shape and dtype, bound as `out1 …` for a custom `store`. */
  moreOuts?: readonly TensorView[];
  /** WGSL expression over `a0 … a{n-1}` (compute types) and `p0 …` (f32 params), giving the output's compute type. */
  expr: string;
  /** f32 parameters available to `expr` as `p0 …`. */
  params?: readonly number[];
  /** Elements to compute (default: the output's size). */
  count?: number;
  /** Custom store: WGSL statements using `i`, `n` and the inputs; default `out[i] = expr`. */
  store?: string;
  /** Shape the inputs are walked in (default: the output's shape). */
  shape?: readonly number[];
}

/** Runs one elementwise dispatch. */
export function runMap(ctx: KernelContext, spec: MapSpec): void {
  const shape = spec.shape ?? spec.out.shape;
  const n = spec.count ?? sizeOf(shape);
  if (n === 0) return;
  const { shape: cshape, strides } = collapseDims(
    shape,
    spec.inputs.map((v) => v.strides),
  );
  const rank = cshape.length;
  const contiguous = strides.map((s) => rank === 0 || (rank === 1 && s[0] === 1));
  const meta = new Meta();
  meta.u32(n);
  const shapeAt = meta.u32(...cshape);
  const offAt: number[] = [];
  const strideAt: number[] = [];
  spec.inputs.forEach((v, k) => {
    offAt.push(meta.u32(v.offset));
    strideAt.push(contiguous[k] ? -1 : meta.i32(...strides[k]));
  });
  const paramAt = meta.f32(...(spec.params ?? []));
  const outs = [spec.out, ...(spec.moreOuts ?? [])];
  const dtypes: DType[] = [...spec.inputs.map((v) => v.dtype), ...outs.map((v) => v.dtype)];
  const key = `map|${spec.key}|${dtypes.join(',')}|r${rank}|${contiguous.map(Number).join('')}|p${spec.params?.length ?? 0}`;
  const entry = ctx.stream.pipelines.get(spec.op, key, () => {
    const nIn = spec.inputs.length;
    const decls = spec.inputs.map((v, k) => `@group(0) @binding(${k}) var<storage, read> in${k}: array<${storageType(v.dtype)}>;`);
    outs.forEach((v, k) => decls.push(`@group(0) @binding(${nIn + k}) var<storage, read_write> out${k || ''}: array<${storageType(v.dtype)}>;`));
    decls.push(`@group(0) @binding(${nIn + outs.length}) var<storage, read> prm: array<u32>;`);
    const loads = spec.inputs.map((v, k) => {
      const idx = contiguous[k] ? `prm[${offAt[k]}] + i` : offsetExpr('c', rank, offAt[k], strideAt[k]);
      return `let a${k} = ${computeType(v.dtype)}(in${k}[${idx}]);`;
    });
    const params = (spec.params ?? []).map((_, k) => `let p${k} = bitcast<f32>(prm[${paramAt + k}]);`);
    const needsCoords = contiguous.some((c) => !c);
    const store = spec.store ?? `out[i] = ${storageType(spec.out.dtype)}(${spec.expr});`;
    const code = `${enables(dtypes)}${decls.join('\n')}
${HELPERS}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let n = prm[0];
  ${params.join('\n  ')}
  ${loopHead('n')}
  ${needsCoords ? decode('i', rank, shapeAt, 'c') : ''}
  ${loads.join('\n  ')}
  ${store}
  }
}`;
    return { code, bindings: nIn + outs.length + 1, writable: outs.map((_, k) => nIn + k) };
  });
  ctx.stream.dispatch(spec.op, entry, spec.inputs.map(buf), outs.map(buf), meta.array(), loopGrid(n));
}
