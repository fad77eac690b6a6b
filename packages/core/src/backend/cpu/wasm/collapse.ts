/**
 * Shape collapsing for the WASM kernels: merges adjacent dims that every operand walks as one
 * (its stride over the outer dim equals stride · size of the inner), and drops size-1 dims.
 * A dense [32, 128, 768] tensor becomes one dim of 3 145 728; a row vector broadcast over a
 * matrix becomes [rows (stride 0), cols (stride 1)]. The kernels then see at most three levels.
 */

export interface Collapsed {
  /** Sizes, outermost first. */
  shape: number[];
  /** strides[k] are operand k's element strides, aligned with `shape`. */
  strides: number[][];
}

/** Collapses `shape` for operands with the given strides (all aligned with `shape`). */
export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): Collapsed {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d];
    if (size === 1) continue;
    const last = outShape.length - 1;
    const mergeable =
      last >= 0 && strides.every((s, k) => s[d] === outStrides[k][0] * outShape[0]);
    if (mergeable) {
      outShape[0] *= size;
    } else {
      outShape.unshift(size);
      strides.forEach((s, k) => outStrides[k].unshift(s[d]));
    }
  }
  return { shape: outShape, strides: outStrides };
}

/** The strides of a dense row-major shape. */
export function denseStrides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i];
  }
  return out;
}

/**
 * Pads a collapsed shape on the left to exactly three levels (outer, rows, cols), or returns
 * null when it has more. Missing levels get size 1 and stride 0.
 */
export function threeLevels(c: Collapsed): Collapsed | null {
  if (c.shape.length > 3) return null;
  const pad = 3 - c.shape.length;
  return {
    shape: [...new Array<number>(pad).fill(1), ...c.shape],
    strides: c.strides.map((s) => [...new Array<number>(pad).fill(0), ...s]),
  };
}
