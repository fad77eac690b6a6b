/**
 * Row iteration for the TypeScript kernels without a per-element offset table: views are
 * collapsed (dims every operand walks as one are merged), then walked as rows of the innermost
 * dim, each operand with its own row start (a table of rows, not of elements) and inner stride.
 */
import type { TensorView } from '../backend';
import { collapseDims } from '../../shape';
import { offsets } from './strided';

export interface RowPlan {
  /** Rows of `len` elements; output row r starts at r·len (outputs are dense). */
  rows: number;
  len: number;
  /** Per operand: the buffer offset of each row's first element. */
  starts: Int32Array[];
  /** Per operand: the element stride along a row. */
  steps: number[];
}

/** Plans a walk over `shape` for views aligned with it (any strides, broadcast included). */
export function rowPlan(shape: readonly number[], views: readonly TensorView[]): RowPlan {
  const c = collapseDims(
    shape,
    views.map((v) => v.strides),
  );
  const r = c.shape.length;
  const len = r ? c.shape[r - 1] : 1;
  const outer = c.shape.slice(0, r - 1);
  return {
    rows: outer.reduce((p, d) => p * d, 1),
    len,
    starts: views.map((v, k) => offsets(outer, c.strides[k].slice(0, r - 1), v.offset)),
    steps: views.map((_, k) => (r ? c.strides[k][r - 1] : 0)),
  };
}
