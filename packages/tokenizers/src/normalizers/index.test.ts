import { describe, expect, it } from 'vitest';
import { NormalizedString } from '../normalized-string';
import { normalizerFromJSON } from './index';

function run(json: object, text: string): NormalizedString {
  const n = new NormalizedString(text);
  normalizerFromJSON(json).normalize(n);
  return n;
}

describe('normalizers', () => {
  it.each([
    [{ type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true }, 'Héllo\tWÖRLD\u0000中', 'hello world 中 '],
    [{ type: 'BertNormalizer', clean_text: true, handle_chinese_chars: false, strip_accents: false, lowercase: false }, 'Héllo\u200b中', 'Héllo中'],
    [{ type: 'Lowercase' }, 'ÀBΣ', 'àbσ'],
    [{ type: 'NFD' }, 'é', 'e\u0301'],
    [{ type: 'NFC' }, 'e\u0301', 'é'],
    [{ type: 'NFKD' }, 'ﬁ™', 'fiTM'],
    [{ type: 'NFKC' }, 'ｆｕｌｌ', 'full'],
    [{ type: 'StripAccents' }, 'e\u0301a\u0300', 'ea'],
    [{ type: 'Strip', strip_left: true, strip_right: false }, '  a  ', 'a  '],
    [{ type: 'Replace', pattern: { String: "''" }, content: '"' }, "it''s", 'it"s'],
    [{ type: 'Replace', pattern: { Regex: ' {2,}' }, content: '▁' }, 'a   b', 'a▁b'],
    [{ type: 'Prepend', prepend: '▁' }, 'hey', '▁hey'],
    [{ type: 'Prepend', prepend: '▁' }, '', ''],
    [{ type: 'Sequence', normalizers: [{ type: 'NFD' }, { type: 'StripAccents' }, { type: 'Lowercase' }] }, 'Ça Va', 'ca va'],
  ])('%o on %j', (json, input, output) => {
    expect(run(json, input).normalized).toBe(output);
    expect(normalizerFromJSON(json).toJSON()).toEqual(json);
  });

  it('BertNormalizer keeps offsets on the original text', () => {
    const n = run({ type: 'BertNormalizer', lowercase: true }, 'A中b');
    expect(n.normalized).toBe('a 中 b');
    expect(n.convertOffsets(1, 4)).toEqual([1, 2]);
    expect(n.convertOffsets(4, 5)).toEqual([2, 3]);
  });

  it('Precompiled applies the ALBERT charsmap (full-width, NBSP, ideographic space)', async () => {
    const { tokenizerText } = await import('../../../../test-utils/tokenizers/fixtures');
    const json = JSON.parse(tokenizerText('albert-base-v2', 'tokenizer.json'));
    const precompiled = json.normalizer.normalizers.find((n: { type: string }) => n.type === 'Precompiled');
    expect(run(precompiled, 'ｆｕｌｌ\u00a0x\u3000y').normalized).toBe('full x y');
    expect(normalizerFromJSON(precompiled).toJSON()).toEqual(precompiled);
  });
});

describe('normalizer registry', () => {
  it('lets plugins register a component that tokenizer.json files can then name', async () => {
    const { registerNormalizer, normalizers } = await import('./index');
    registerNormalizer('Uppercase', () => ({ normalize: (s: NormalizedString) => void s.uppercase(), toJSON: () => ({ type: 'Uppercase' }) }));
    try {
      expect(run({ type: 'Sequence', normalizers: [{ type: 'Uppercase' }] }, 'abc').normalized).toBe('ABC');
    } finally {
      delete normalizers.Uppercase;
    }
    expect(() => normalizerFromJSON({ type: 'Uppercase' })).toThrow(/unknown type "Uppercase"/);
  });
});
