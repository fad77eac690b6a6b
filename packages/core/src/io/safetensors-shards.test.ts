import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../errors';
import { SafetensorsError } from './safetensors-error';
import { parseByteSize, parseShardIndex, planShards, type ShardPlanTensor } from './safetensors-shards';

/** A U8 tensor of `bytes` bytes, so sizes read directly. */
const u8 = (name: string, bytes: number): ShardPlanTensor => ({ name, dtype: 'U8', shape: [bytes] });

describe('planShards', () => {
  it('fills shards in order like huggingface_hub ([6,6,2,6,2,2] with limit 10 → [6], [6+2], [6+2+2])', () => {
    const plan = planShards([u8('a', 6), u8('b', 6), u8('c', 2), u8('d', 6), u8('e', 2), u8('f', 2)], 10);
    expect(plan.shards).toEqual([
      { file: 'model-00001-of-00003.safetensors', names: ['a'], bytes: 6 },
      { file: 'model-00002-of-00003.safetensors', names: ['b', 'c'], bytes: 8 },
      { file: 'model-00003-of-00003.safetensors', names: ['d', 'e', 'f'], bytes: 10 },
    ]);
    expect(plan.totalSize).toBe(24);
    expect(plan.indexFile).toBe('model.safetensors.index.json');
  });

  it('gives a tensor above the limit its own shard, ahead of the shard being filled', () => {
    const plan = planShards([u8('small', 2), u8('huge', 20), u8('next', 3)], 10);
    expect(plan.shards.map((s) => s.names)).toEqual([['huge'], ['small', 'next']]);
  });

  it('counts bytes from dtype and shape', () => {
    const plan = planShards(
      [
        { name: 'w', dtype: 'F32', shape: [2, 3] },
        { name: 'ids', dtype: 'I64', shape: [4] },
        { name: 'h', dtype: 'BF16', shape: [5] },
      ],
      32,
    );
    expect(plan.shards.map((s) => s.bytes)).toEqual([24, 32, 10]);
  });

  it('writes one plain model.safetensors and no index when everything fits', () => {
    const plan = planShards([u8('a', 3), u8('b', 4)], '1KB');
    expect(plan).toEqual({ shards: [{ file: 'model.safetensors', names: ['a', 'b'], bytes: 7 }], totalSize: 7, indexFile: null, indexJson: null });
    expect(planShards([], 10).shards).toEqual([{ file: 'model.safetensors', names: [], bytes: 0 }]);
  });

  it("writes the index as Python's json.dumps(indent=2, sort_keys=True) does", () => {
    const plan = planShards([u8('z.weight', 6), u8('a.bias', 6), u8('caf\u00e9', 1)], 10, { prefix: 'adapter', totalParameters: 13 });
    expect(plan.indexFile).toBe('adapter.safetensors.index.json');
    expect(plan.indexJson).toBe(
      [
        '{',
        '  "metadata": {',
        '    "total_parameters": 13,',
        '    "total_size": 13',
        '  },',
        '  "weight_map": {',
        '    "a.bias": "adapter-00002-of-00002.safetensors",',
        '    "caf\\u00e9": "adapter-00002-of-00002.safetensors",',
        '    "z.weight": "adapter-00001-of-00002.safetensors"',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('round-trips through parseShardIndex', () => {
    const plan = planShards([u8('a', 6), u8('b', 6), u8('__proto__', 1)], 10);
    const index = parseShardIndex(plan.indexJson!);
    expect(index.metadata.total_size).toBe(13);
    expect(index.files).toEqual(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
    expect(index.weightMap.get('b')).toBe('model-00002-of-00002.safetensors');
    expect(index.weightMap.get('__proto__')).toBe('model-00002-of-00002.safetensors');
  });

  it('rejects a non-positive limit', () => {
    expect(() => planShards([u8('a', 1)], 0)).toThrow(ArgumentError);
    expect(() => planShards([u8('a', 1)], 'lots')).toThrow(ArgumentError);
  });
});

describe('parseShardIndex', () => {
  it('accepts an already-parsed object and keeps extra metadata', () => {
    const index = parseShardIndex({
      metadata: { total_size: 10, format: 'pt' },
      weight_map: { a: 'm-1.safetensors', b: 'm-2.safetensors', c: 'm-1.safetensors' },
    });
    expect(index.files).toEqual(['m-1.safetensors', 'm-2.safetensors']);
    expect(index.metadata).toEqual({ total_size: 10, format: 'pt' });
  });

  it.each([
    ['invalid JSON', '{"weight_map": '],
    ['a JSON array', '[]'],
    ['no weight_map', { metadata: {} }],
    ['a weight_map list', { weight_map: ['a'] }],
    ['a non-string file', { weight_map: { a: 3 } }],
    ['a path that climbs out of the folder', { weight_map: { a: '../secret.safetensors' } }],
    ['a nested path', { weight_map: { a: 'sub/model.safetensors' } }],
    ['a Windows path', { weight_map: { a: 'C:model.safetensors' } }],
    ['an empty file name', { weight_map: { a: '' } }],
    ['a negative total_size', { metadata: { total_size: -1 }, weight_map: {} }],
    ['a string total_size', { metadata: { total_size: '10' }, weight_map: {} }],
    ['metadata that is not an object', { metadata: 'x', weight_map: {} }],
  ])('rejects %s', (_, json) => {
    let caught: unknown;
    try {
      parseShardIndex(json);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SafetensorsError);
    expect((caught as SafetensorsError).code).toBe('safetensors_invalid_index');
  });

  it('names the tensor whose file is wrong', () => {
    expect(() => parseShardIndex({ weight_map: { 'encoder.w': '../x' } })).toThrow(/'encoder\.w'/);
  });
});

describe('parseByteSize', () => {
  it.each([
    ['5GB', 5e9],
    ['500MB', 5e8],
    ['1.5 KB', 1500],
    ['2GiB', 2 * 2 ** 30],
    ['10mib', 10 * 2 ** 20],
  ])('reads %s', (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });

  it('refuses sizes without a unit', () => {
    expect(() => parseByteSize('100')).toThrow(ArgumentError);
  });
});
