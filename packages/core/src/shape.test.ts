import { describe, expect, it } from 'vitest';
import { collapseDims, contiguousStrides, shapesEqual } from './shape';

describe('collapseDims', () => {
  it('merges a dense tensor into one dim', () => {
    expect(collapseDims([32, 128, 768], [contiguousStrides([32, 128, 768])])).toEqual({ shape: [32 * 128 * 768], strides: [[1]] });
  });

  it('keeps a broadcast row vector and a dense matrix as [rows, cols]', () => {
    expect(
      collapseDims(
        [4, 3],
        [
          [0, 1],
          [3, 1],
        ],
      ),
    ).toEqual({
      shape: [4, 3],
      strides: [
        [0, 1],
        [3, 1],
      ],
    });
  });

  it('drops size-1 dims and merges only what every operand walks as one', () => {
    // a transposed [2, 3] (strides [1, 2]) next to a dense one: nothing merges
    expect(
      collapseDims(
        [1, 2, 3],
        [
          [6, 1, 2],
          [6, 3, 1],
        ],
      ),
    ).toEqual({
      shape: [2, 3],
      strides: [
        [1, 2],
        [3, 1],
      ],
    });
    // every other row of an [8, 8] matrix, viewed as [2, 2, 8]: the row dims merge, the columns stay apart
    expect(collapseDims([2, 2, 8], [[32, 16, 1]])).toEqual({ shape: [4, 8], strides: [[16, 1]] });
    expect(collapseDims([1, 1], [[5, 7]])).toEqual({ shape: [], strides: [[]] });
  });
});

describe('shapesEqual', () => {
  it('compares rank and dims', () => {
    expect(shapesEqual([2, 3], [2, 3])).toBe(true);
    expect(shapesEqual([2, 3], [3, 2])).toBe(false);
    expect(shapesEqual([2], [2, 1])).toBe(false);
    expect(shapesEqual([], [])).toBe(true);
  });
});
