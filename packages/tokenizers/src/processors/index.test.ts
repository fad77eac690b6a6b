import { describe, expect, it } from 'vitest';
import { Encoding } from '../encoding';
import { postProcessorFromJSON } from './index';

function enc(tokens: string[], ids: number[], typeId = 0): Encoding {
  let pos = 0;
  const offsets = tokens.map((t): [number, number] => [pos, (pos += t.length)]);
  return new Encoding({
    ids,
    tokens,
    typeIds: ids.map(() => typeId),
    offsets,
    wordIds: ids.map((_, i) => i),
    specialTokensMask: ids.map(() => 0),
    attentionMask: ids.map(() => 1),
  });
}

const bertTemplate = {
  type: 'TemplateProcessing',
  single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
  pair: [
    { SpecialToken: { id: '[CLS]', type_id: 0 } },
    { Sequence: { id: 'A', type_id: 0 } },
    { SpecialToken: { id: '[SEP]', type_id: 0 } },
    { Sequence: { id: 'B', type_id: 1 } },
    { SpecialToken: { id: '[SEP]', type_id: 1 } },
  ],
  special_tokens: { '[CLS]': { id: '[CLS]', ids: [101], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [102], tokens: ['[SEP]'] } },
};

describe('post-processors', () => {
  it.each([
    ['BertProcessing', { type: 'BertProcessing', sep: ['[SEP]', 102], cls: ['[CLS]', 101] }],
    ['TemplateProcessing', bertTemplate],
  ])('%s gives BERT pairs', (_, json) => {
    const p = postProcessorFromJSON(json);
    const out = p.process(enc(['a', 'b'], [1, 2]), enc(['c'], [3], 1), true);
    expect(out.ids).toEqual([101, 1, 2, 102, 3, 102]);
    expect(out.typeIds).toEqual([0, 0, 0, 0, 1, 1]);
    expect(out.specialTokensMask).toEqual([1, 0, 0, 1, 0, 1]);
    expect(out.wordIds).toEqual([null, 0, 1, null, 0, null]);
    expect(out.sequenceIds()).toEqual([null, 0, 0, null, 1, null]);
    expect(p.addedTokens(true)).toBe(3);
    expect(p.addedTokens(false)).toBe(2);
    expect(p.toJSON()).toEqual(json);
    expect(p.process(enc(['a'], [1]), null, false).ids).toEqual([1]);
  });

  it('RobertaProcessing uses </s></s> between sequences and type id 0 everywhere', () => {
    const p = postProcessorFromJSON({ type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: true, add_prefix_space: true });
    const out = p.process(enc(['Hello', 'Ġthere'], [12, 14]), enc(['pair'], [15], 1), true);
    expect(out.ids).toEqual([0, 12, 14, 2, 2, 15, 2]);
    expect(out.typeIds).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(out.offsets[2]).toEqual([6, 11]); // leading Ġ trimmed
  });

  it('TemplateProcessing accepts the string shorthand and multi-id special tokens', () => {
    const json = {
      type: 'TemplateProcessing',
      single: '$A </s>',
      pair: '$A </s> $B:1 </s>:1',
      special_tokens: { '</s>': { id: '</s>', ids: [1], tokens: ['</s>'] } },
    };
    const p = postProcessorFromJSON(json);
    const out = p.process(enc(['x'], [5]), enc(['y'], [6]), true);
    expect(out.ids).toEqual([5, 1, 6, 1]);
    expect(out.typeIds).toEqual([0, 0, 1, 1]);
  });

  it('template special tokens carry overflowing windows too', () => {
    const p = postProcessorFromJSON(bertTemplate);
    const e = enc(['a', 'b', 'c'], [1, 2, 3]);
    e.truncate(2, 0, 'Right');
    const out = p.process(e, null, true);
    expect(out.ids).toEqual([101, 1, 2, 102]);
    expect(out.overflowing.map((o) => o.ids)).toEqual([[101, 3, 102]]);
  });

  it('ByteLevel trims offsets and Sequence chains processors', () => {
    const json = {
      type: 'Sequence',
      processors: [
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
        { type: 'BertProcessing', sep: ['[SEP]', 102], cls: ['[CLS]', 101] },
      ],
    };
    const p = postProcessorFromJSON(json);
    const out = p.process(enc(['a', 'Ġb'], [1, 2]), null, true);
    expect(out.ids).toEqual([101, 1, 2, 102]);
    expect(out.offsets[2]).toEqual([2, 3]);
    expect(p.addedTokens(false)).toBe(2);
    expect(p.toJSON()).toEqual(json);
  });
});
