import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assetPath } from '../../../../test-utils/assets';
import { decodeTensor } from './safetensors-decode';
import { SafetensorsError } from './safetensors-error';
import { readSafetensorsFile, readSafetensorsHeaderFile, writeFileAtomic, writeSafetensorsFile } from './safetensors-file';
import { readSafetensorsHeader } from './safetensors-read';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'graft-io-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('safetensors files on disk', () => {
  it('writes tensors and reads them back', async () => {
    const path = join(dir, 'model.safetensors');
    await writeSafetensorsFile(path, { w: { dtype: 'F32', shape: [2], data: new Float32Array([1.5, -2]) } }, { format: 'pt' });
    const file = await readSafetensorsFile(path);
    expect(file.metadata).toEqual({ format: 'pt' });
    expect(Array.from(decodeTensor(file.tensors.get('w')!, 'float32'))).toEqual([1.5, -2]);
    expect(await readdir(dir)).toEqual(['model.safetensors']);
  });

  it('reads only the header of a fixture, matching a full parse', async () => {
    const path = assetPath('fixtures', 'models', 'bert-seqcls', 'model.safetensors');
    const header = await readSafetensorsHeaderFile(path);
    expect(header).toEqual(readSafetensorsHeader(new Uint8Array(await readFile(path))));
  });

  it('reports a truncated file and an oversized header from the header reader', async () => {
    const short = join(dir, 'short.safetensors');
    await writeFile(short, new Uint8Array(5));
    await expect(readSafetensorsHeaderFile(short)).rejects.toMatchObject({ code: 'safetensors_truncated' });
    const huge = new Uint8Array(8);
    new DataView(huge.buffer).setUint32(4, 7, true);
    const hugePath = join(dir, 'huge.safetensors');
    await writeFile(hugePath, huge);
    await expect(readSafetensorsHeaderFile(hugePath)).rejects.toBeInstanceOf(SafetensorsError);
    await expect(readSafetensorsHeaderFile(hugePath)).rejects.toMatchObject({ code: 'safetensors_header_too_large' });
  });
});

describe('writeFileAtomic', () => {
  it('writes bytes, text and chunk streams, replacing the old file', async () => {
    const path = join(dir, 'out.bin');
    await writeFileAtomic(path, 'old');
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect(Array.from(await readFile(path))).toEqual([1, 2, 3]);
    async function* chunks() {
      yield new Uint8Array([4, 5]);
      yield new Uint8Array([6]);
    }
    await writeFileAtomic(path, chunks());
    expect(Array.from(await readFile(path))).toEqual([4, 5, 6]);
    await writeFileAtomic(path, [new Uint8Array([7]), new Uint8Array([8])]);
    expect(Array.from(await readFile(path))).toEqual([7, 8]);
    expect(await readdir(dir)).toEqual(['out.bin']);
  });

  it('leaves nothing behind when the folder does not exist', async () => {
    const path = join(dir, 'missing', 'model.safetensors');
    await expect(writeFileAtomic(path, new Uint8Array(4))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('removes the temporary file and keeps the old file when the data source fails mid-way', async () => {
    const path = join(dir, 'model.safetensors');
    await writeFileAtomic(path, 'previous checkpoint');
    let yielded = 0;
    async function* failing() {
      yield new Uint8Array(1024);
      yielded++;
      throw new Error('disk source broke');
    }
    await expect(writeFileAtomic(path, failing())).rejects.toThrow('disk source broke');
    expect(yielded).toBe(1);
    expect(await readdir(dir)).toEqual(['model.safetensors']);
    expect(await readFile(path, 'utf8')).toBe('previous checkpoint');
  });

  it('leaves no file at all when a first write fails mid-way', async () => {
    const path = join(dir, 'adapter_model.safetensors');
    function* failing() {
      yield new Uint8Array(8);
      throw new Error('serializer failed');
    }
    await expect(writeFileAtomic(path, failing())).rejects.toThrow('serializer failed');
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses chunks that are not bytes, cleaning up', async () => {
    const path = join(dir, 'x.bin');
    await expect(writeFileAtomic(path, ['text' as unknown as Uint8Array])).rejects.toThrow(TypeError);
    expect(await readdir(dir)).toEqual([]);
  });
});
