/**
 * Encoding on long inputs: merging and padding hundreds of thousands of tokens (which overflowed
 * the stack when the arrays were spread into `push`), and the bound on padding lengths.
 */
import { describe, expect, it } from 'vitest';
import { Encoding, MAX_PADDED_LENGTH } from './encoding';
import { TokenizerError } from './errors';
import { paddingFromJSON, resolvePadding } from './pipeline/padding';

/** An encoding of `n` tokens with distinct ids and offsets. */
function long(n: number, first = 0): Encoding {
  const ids = Array.from({ length: n }, (_, i) => first + i);
  return new Encoding({
    ids,
    tokens: ids.map((i) => `t${i}`),
    typeIds: new Array<number>(n).fill(0),
    offsets: ids.map((i): [number, number] => [i, i + 1]),
    wordIds: ids.slice(),
    specialTokensMask: new Array<number>(n).fill(0),
    attentionMask: new Array<number>(n).fill(1),
  });
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TokenizerError);
    return (e as TokenizerError).code;
  }
  return undefined;
}

describe('Encoding with 300k tokens', () => {
  const n = 300_000;

  it('mergeWith appends every field, offsets shifted when growing', () => {
    const a = long(n);
    a.mergeWith(long(n, n), true);
    expect(a.length).toBe(2 * n);
    for (const field of [a.ids, a.tokens, a.typeIds, a.offsets, a.wordIds, a.specialTokensMask, a.attentionMask]) expect(field.length).toBe(2 * n);
    expect(a.ids[n]).toBe(n);
    expect(a.offsets[n]).toEqual([2 * n, 2 * n + 1]); // shifted by the last end of the first part
    expect(Encoding.merge([long(n), long(n)], false).length).toBe(2 * n);
  });

  it.each(['Right', 'Left'] as const)('pads on the %s', (direction) => {
    const e = long(10);
    e.pad(n, 7, 1, '[PAD]', direction);
    expect(e.length).toBe(n);
    const padAt = direction === 'Right' ? n - 1 : 0;
    const realAt = direction === 'Right' ? 0 : n - 10;
    expect([e.ids[padAt], e.typeIds[padAt], e.tokens[padAt], e.wordIds[padAt], e.attentionMask[padAt], e.specialTokensMask[padAt]]).toEqual([
      7,
      1,
      '[PAD]',
      null,
      0,
      1,
    ]);
    expect(e.offsets[padAt]).toEqual([0, 0]);
    expect([e.ids[realAt], e.attentionMask[realAt], e.offsets[realAt]]).toEqual([0, 1, [0, 1]]);
  });
});

describe('padding length bound', () => {
  it('rejects a Fixed length or multiple past the limit when padding is configured', () => {
    expect(code(() => resolvePadding({ strategy: { fixed: MAX_PADDED_LENGTH + 1 } }))).toBe('E_LIMIT');
    expect(code(() => resolvePadding({ padToMultipleOf: 1e12 }))).toBe('E_LIMIT');
    expect(code(() => paddingFromJSON({ strategy: { Fixed: 2 ** 40 } }))).toBe('E_LIMIT');
    expect(code(() => resolvePadding({ strategy: { fixed: MAX_PADDED_LENGTH } }))).toBeUndefined();
  });

  it('says which length, the limit, and what to do instead', () => {
    expect(() => resolvePadding({ strategy: { fixed: 1e9 } })).toThrow(/1000000000 tokens exceeds the limit of 4194304.*BatchLongest/);
  });

  it('Encoding.pad refuses to allocate past the limit but accepts any length it need not reach', () => {
    expect(code(() => long(3).pad(2 ** 31, 0, 0, '[PAD]', 'Right'))).toBe('E_LIMIT');
    expect(code(() => long(3).pad(4.5, 0, 0, '[PAD]', 'Right'))).toBe('E_ARGUMENT');
    const e = long(3);
    e.pad(2, 0, 0, '[PAD]', 'Right'); // already longer: nothing to do, nothing to check
    expect(e.length).toBe(3);
  });

  it('reports stride ≥ max length as a typed truncation error', () => {
    expect(code(() => long(10).truncate(4, 4, 'Right'))).toBe('E_TRUNCATION');
  });
});
