import { describe, expect, it } from 'vitest';
import { NormalizedString } from './normalized-string';

/** Original text of each normalized character, through the alignment. */
function originals(n: NormalizedString): string[] {
  const out: string[] = [];
  for (let i = 0; i < n.length; ) {
    const cp = n.normalized.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    const [a, b] = n.convertOffsets(i, i + len)!;
    out.push(n.original.slice(a, b));
    i += len;
  }
  return out;
}

describe('NormalizedString', () => {
  it('keeps positional alignment when nothing changes shape', () => {
    const n = new NormalizedString('Hello World');
    n.lowercase();
    expect(n.normalized).toBe('hello world');
    expect(n.convertOffsets(6, 11)).toEqual([6, 11]);
  });

  it('aligns NFD decompositions to the composed character', () => {
    const n = new NormalizedString('café');
    n.normalizeUnicode('NFD');
    expect(n.normalized).toBe('cafe\u0301');
    expect(originals(n)).toEqual(['c', 'a', 'f', 'é', 'é']);
    n.filter((cp) => cp !== 0x301);
    expect(n.normalized).toBe('cafe');
    expect(n.convertOffsets(0, 4)).toEqual([0, 4]);
  });

  it('keeps combining accents of the original inside the span of their base', () => {
    const n = new NormalizedString('e\u0301x');
    n.normalizeUnicode('NFC');
    expect(n.normalized).toBe('éx');
    expect(n.convertOffsets(1, 2)).toEqual([2, 3]);
  });

  it('counts emoji and astral characters in UTF-16 code units', () => {
    const n = new NormalizedString('a😀b');
    n.prepend('▁');
    expect(n.normalized).toBe('▁a😀b');
    const s = n.slice(2, 4);
    expect(s.normalized).toBe('😀');
    expect(s.offsetsOriginal()).toEqual([1, 3]);
  });

  it('aligns every byte-level character of an emoji to the whole emoji', () => {
    const n = new NormalizedString('x👍🏽');
    n.transform(['x', 'a', 'b', 'c', 'd'], [0, 0, 1, 1, 1]);
    expect(originals(n)).toEqual(['x', '👍', '👍', '👍', '👍']);
  });

  it('spaces around CJK ideographs align with the ideograph', () => {
    const n = new NormalizedString('中文');
    n.transform([' ', '中', ' ', ' ', '文', ' '], [0, 1, 1, 0, 1, 1]);
    expect(n.normalized).toBe(' 中  文 ');
    expect(originals(n)).toEqual(['中', '中', '中', '文', '文', '文']);
  });

  it('filters with removed characters charged to their predecessor', () => {
    const n = new NormalizedString('\u200bab\u200bc');
    n.filter((cp) => cp !== 0x200b);
    expect(n.normalized).toBe('abc');
    expect(n.convertOffsets(0, 3)).toEqual([1, 5]);
    expect(n.convertOffsets(2, 3)).toEqual([4, 5]);
  });

  it('strips whitespace on either side', () => {
    const n = new NormalizedString('  hi  ');
    n.strip(false, true);
    expect(n.normalized).toBe('  hi');
    n.strip(true, false);
    expect(n.normalized).toBe('hi');
    expect(n.offsetsOriginal()).toEqual([0, 6]);
    expect(n.convertOffsets(0, 2)).toEqual([2, 4]);
    const empty = new NormalizedString('   ');
    empty.strip();
    expect(empty.normalized).toBe('');
  });

  it('replaces matches and aligns the replacement with the replaced text', () => {
    const n = new NormalizedString('a  b   c');
    n.replace(/ {2,}/g, '▁');
    expect(n.normalized).toBe('a▁b▁c');
    expect(originals(n)).toEqual(['a', ' ', 'b', ' ', 'c']);
    expect(n.convertOffsets(4, 5)).toEqual([7, 8]);
  });

  it('expands lowercase mappings that grow (İ → i̇)', () => {
    const n = new NormalizedString('İx');
    n.lowercase();
    expect(n.normalized).toBe('i\u0307x');
    expect(originals(n)).toEqual(['İ', 'İ', 'x']);
  });

  it('splits with every delimiter behavior', () => {
    const text = 'the-final--countdown';
    const split = (b: Parameters<NormalizedString['split']>[1]) => new NormalizedString(text).split('-', b).map((s) => s.normalized);
    expect(split('Removed')).toEqual(['the', 'final', 'countdown']);
    expect(split('Isolated')).toEqual(['the', '-', 'final', '-', '-', 'countdown']);
    expect(split('MergedWithPrevious')).toEqual(['the-', 'final-', '-', 'countdown']);
    expect(split('MergedWithNext')).toEqual(['the', '-final', '-', '-countdown']);
    expect(split('Contiguous')).toEqual(['the', '-', 'final', '--', 'countdown']);
  });

  it('appends aligned to the last character', () => {
    const n = new NormalizedString('ab');
    n.append('</w>');
    expect(n.normalized).toBe('ab</w>');
    expect(n.convertOffsets(2, 6)).toEqual([1, 2]);
  });
});
