import { describe, expect, it } from 'vitest';
import { decoderFromJSON } from './index';

const decode = (json: object, tokens: string[]) => decoderFromJSON(json).decodeChain(tokens).join('');

describe('decoders', () => {
  it.each([
    [{ type: 'WordPiece', prefix: '##', cleanup: true }, ['hello', '##s', 'world', '!', 'it', "'", 's'], "hellos world! it ' s"], // clean-up is per token, as in HF
    [{ type: 'WordPiece', prefix: '##', cleanup: false }, ['a', '##b', '.'], 'ab .'],
    [{ type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true }, ['Hello', 'Ġw', 'Ã©', '<|x|>'], 'Hello wé<|x|>'],
    [{ type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true }, ['▁Hey', '▁friend', '!'], 'Hey friend!'],
    [{ type: 'Metaspace', replacement: '▁', prepend_scheme: 'never', split: true }, ['▁Hey'], ' Hey'],
    [{ type: 'BPEDecoder', suffix: '</w>' }, ['hel', 'lo</w>', 'there</w>'], 'hello there'],
    [{ type: 'ByteFallback' }, ['<0x61>', 'b', '<0xE2>', '<0x82>', '<0xAC>', 'c'], 'ab€c'],
    [{ type: 'ByteFallback' }, ['<0xE2>', '<0x82>', 'x'], '\ufffd\ufffdx'],
    [{ type: 'Fuse' }, ['a', 'b'], 'ab'],
    [{ type: 'Strip', content: '▁', start: 1, stop: 0 }, ['▁▁a', '▁b'], '▁ab'],
    [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' }, ['▁a', '▁b'], ' a b'],
    [{ type: 'CTC', pad_token: '<pad>', word_delimiter_token: '|', cleanup: true }, ['h', 'h', '<pad>', 'e', 'l', 'l', '<pad>', 'l', 'o', '|', 'w'], 'hello w'],
    [
      {
        type: 'Sequence',
        decoders: [
          { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
          { type: 'ByteFallback' },
          { type: 'Fuse' },
          { type: 'Strip', content: ' ', start: 1, stop: 0 },
        ],
      },
      ['▁Hey', '<0x21>'],
      'Hey!',
    ],
  ])('%o', (json, tokens, text) => {
    expect(decode(json, tokens)).toBe(text);
    expect(decoderFromJSON(json).toJSON()).toEqual(json);
  });

  it('ByteLevel recombines a character split across tokens', () => {
    expect(decode({ type: 'ByteLevel' }, ['Ã', '©'])).toBe('é');
    expect(decode({ type: 'ByteLevel' }, ['Ã'])).toBe('\ufffd');
  });
});
