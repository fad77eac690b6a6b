import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assetPath } from '../../../../test-utils/assets';
import { decodeTensor } from './safetensors-decode';
import { SafetensorsError } from './safetensors-error';
import { readSafetensorsFile, readSafetensorsHeaderFile, writeSafetensorsFile } from './safetensors-file';
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

  it('passes header limits through to the file readers', async () => {
    const path = join(dir, 'two.safetensors');
    await writeSafetensorsFile(path, [
      { name: 'a', dtype: 'U8', shape: [1], data: new Uint8Array(1) },
      { name: 'b', dtype: 'U8', shape: [1], data: new Uint8Array(1) },
    ]);
    await expect(readSafetensorsHeaderFile(path, { limits: { maxEntries: 1 } })).rejects.toMatchObject({ code: 'safetensors_header_limit' });
    await expect(readSafetensorsFile(path, { limits: { maxEntries: 1 } })).rejects.toMatchObject({ code: 'safetensors_header_limit' });
    expect((await readSafetensorsFile(path)).tensors.size).toBe(2);
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
