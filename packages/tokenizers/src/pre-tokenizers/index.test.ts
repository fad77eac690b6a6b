import { describe, expect, it } from 'vitest';
import { PreTokenizedString } from '../pre-tokenized-string';
import { preTokenizerFromJSON } from './index';

function splits(json: object, text: string) {
  const p = new PreTokenizedString(text);
  preTokenizerFromJSON(json).preTokenize(p);
  return p.getSplits();
}

describe('pre-tokenizers', () => {
  it('BertPreTokenizer splits whitespace and isolates punctuation', () => {
    expect(splits({ type: 'BertPreTokenizer' }, 'Hey friend!     How are you?!?')).toEqual([
      ['Hey', [0, 3]],
      ['friend', [4, 10]],
      ['!', [10, 11]],
      ['How', [16, 19]],
      ['are', [20, 23]],
      ['you', [24, 27]],
      ['?', [27, 28]],
      ['!', [28, 29]],
      ['?', [29, 30]],
    ]);
  });

  it('Whitespace keeps word runs and symbol runs (Unicode \\w)', () => {
    expect(splits({ type: 'Whitespace' }, 'Hey man!! naïve')).toEqual([
      ['Hey', [0, 3]],
      ['man', [4, 7]],
      ['!!', [7, 9]],
      ['naïve', [10, 15]],
    ]);
  });

  it('WhitespaceSplit splits on whitespace only', () => {
    expect(splits({ type: 'WhitespaceSplit' }, 'Hey man!\tgood')).toEqual([
      ['Hey', [0, 3]],
      ['man!', [4, 8]],
      ['good', [9, 13]],
    ]);
  });

  it('ByteLevel splits with the GPT-2 regex and maps bytes', () => {
    expect(splits({ type: 'ByteLevel', add_prefix_space: true }, "Hello my friend, how's é")).toEqual([
      ['ĠHello', [0, 5]],
      ['Ġmy', [5, 8]],
      ['Ġfriend', [8, 15]],
      [',', [15, 16]],
      ['Ġhow', [16, 20]],
      ["'s", [20, 22]],
      ['ĠÃ©', [22, 24]],
    ]);
  });

  it('Metaspace prepends and splits before each ▁', () => {
    expect(splits({ type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true }, 'Hey  friend')).toEqual([
      ['▁Hey', [0, 3]],
      ['▁', [3, 4]],
      ['▁friend', [4, 11]],
    ]);
    expect(splits({ type: 'Metaspace', replacement: '▁', prepend_scheme: 'never', split: false }, 'a b')).toEqual([['a▁b', [0, 3]]]);
  });

  it('Split with a regex and each behavior, and invert', () => {
    const re = { Regex: '\\s+' };
    expect(splits({ type: 'Split', pattern: re, behavior: 'Removed', invert: false }, 'a  b c')).toEqual([
      ['a', [0, 1]],
      ['b', [3, 4]],
      ['c', [5, 6]],
    ]);
    expect(splits({ type: 'Split', pattern: { Regex: '\\w+' }, behavior: 'Removed', invert: true }, 'ab, cd')).toEqual([
      ['ab', [0, 2]],
      ['cd', [4, 6]],
    ]);
    expect(splits({ type: 'Split', pattern: { String: '-' }, behavior: 'MergedWithNext', invert: false }, 'a-b')).toEqual([
      ['a', [0, 1]],
      ['-b', [1, 3]],
    ]);
  });

  it('Split understands Llama-3 style (?i:) groups and possessive-free \\p classes', () => {
    const pattern = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    expect(splits({ type: 'Split', pattern: { Regex: pattern }, behavior: 'Isolated', invert: false }, "I'M 12345 ok").map((s) => s[0])).toEqual([
      'I',
      "'M",
      ' ',
      '123',
      '45',
      ' ok',
    ]);
  });

  it('Punctuation, Digits and CharDelimiterSplit', () => {
    expect(splits({ type: 'Punctuation', behavior: 'Isolated' }, 'a,b')).toEqual([
      ['a', [0, 1]],
      [',', [1, 2]],
      ['b', [2, 3]],
    ]);
    expect(splits({ type: 'Digits', individual_digits: false }, 'Hey 123 friend')).toEqual([
      ['Hey ', [0, 4]],
      ['123', [4, 7]],
      [' friend', [7, 14]],
    ]);
    expect(splits({ type: 'Digits', individual_digits: true }, 'a12').map((s) => s[0])).toEqual(['a', '1', '2']);
    expect(splits({ type: 'CharDelimiterSplit', delimiter: 'x' }, 'axbxxc').map((s) => s[0])).toEqual(['a', 'b', 'c']);
  });

  it('Sequence composes and serializes back', () => {
    const json = { type: 'Sequence', pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Digits', individual_digits: true }] };
    expect(splits(json, 'ab12 c').map((s) => s[0])).toEqual(['ab', '1', '2', 'c']);
    expect(preTokenizerFromJSON(json).toJSON()).toEqual(json);
  });
});
