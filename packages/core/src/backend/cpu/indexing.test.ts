/**
 * The CPU gather and scatter-add move whole rows when the index has one id per row (stride 0
 * along it, as `indexSelect` and embeddings make it); the same call with the index materialised
 * takes the element-by-element path, so the two must agree on every layout and dtype.
 */
import { describe, expect, it } from 'vitest';
import * as g from '../../index';

const gen = new g.Generator(11);

describe('CPU gather / scatterAdd by rows', () => {
  it.each(['float32', 'float64', 'int32'] as const)('match the element-wise path (%s)', (dtype) => {
    const table = g.randint(-50, 50, [9, 12], { generator: gen }).cast(dtype);
    const ids = g.tensor([3, 0, 8, 3, 5, 3], { dtype: 'int32' });
    // a table whose rows are dense but not contiguous (offset, row stride 12 for 7 columns)
    for (const x of [table, g.narrow(table, 1, 2, 7)]) {
      const cols = x.shape[1];
      const index = g.expand(g.reshape(ids, [6, 1]), [6, cols]);
      expect(index.strides[1]).toBe(0);
      const rows = g.gather(x, 0, index).arraySync();
      expect(g.gather(x, 0, index.contiguous()).arraySync()).toEqual(rows);
      expect(rows).toEqual(g.indexSelect(x, 0, ids).arraySync());

      const src = g.narrow(g.randint(-9, 9, [6, cols + 3], { generator: gen }).cast(dtype), 1, 1, cols);
      const base = g.randint(-9, 9, [9, cols], { generator: gen }).cast(dtype);
      const added = g.scatterAdd(base, 0, index, src).arraySync();
      expect(g.scatterAdd(base, 0, index.contiguous(), src).arraySync()).toEqual(added);
      // repeated ids accumulate: row 3 gets three source rows
      const expected = (base.arraySync() as number[][])[3].map((b, j) => b + [0, 3, 5].reduce((s, r) => s + (src.arraySync() as number[][])[r][j], 0));
      expect((added as number[][])[3]).toEqual(expected);
    }
  });

  it('still name an index out of range', () => {
    const x = g.zeros([4, 3]);
    const index = g.expand(g.tensor([[1], [4]], { dtype: 'int32' }), [2, 3]);
    expect(() => g.gather(x, 0, index)).toThrow(/gather: index 4 is out of range for dim 0 of size 4/);
    expect(() => g.scatterAdd(x, 0, index, g.ones([2, 3]))).toThrow(/scatterAdd: index 4 is out of range for dim 0 of size 4/);
  });
});
