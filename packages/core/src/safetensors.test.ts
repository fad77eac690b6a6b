import { readdirSync, readFileSync, statSync, mkdtempSync, readdirSync as ls } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { assetsDir } from '../../../test-utils/assets';
import { arange, loadSafetensors, memory, saveSafetensors, SafetensorsError, tensor } from './index';
import { loadSafetensorsFile, saveSafetensorsFile } from './node';

function* safetensorsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* safetensorsFiles(p);
    else if (name.endsWith('.safetensors')) yield p;
  }
}

describe('safetensors ⇄ tensors', () => {
  const files = [...safetensorsFiles(join(assetsDir(), 'fixtures'))];

  it('finds the fixtures', () => expect(files.length).toBeGreaterThanOrEqual(12));

  it.each(files.map((f) => [f.split('/fixtures/')[1], f]))('loads %s into tensors', (_n, file) => {
    const { tensors } = loadSafetensors(new Uint8Array(readFileSync(file)));
    expect(tensors.size).toBeGreaterThan(0);
    for (const [name, t] of tensors) {
      expect(t.size, name).toBe(t.shape.reduce((a, b) => a * b, 1));
      expect(['float32', 'int32', 'bool', 'float64']).toContain(t.dtype);
      t.dispose();
    }
  });

  it('reads BERT weights and I64 labels with the right dtypes', async () => {
    const { tensors } = await loadSafetensorsFile(join(assetsDir(), 'fixtures/models/bert-seqcls/model.safetensors'));
    const emb = [...tensors.keys()].find((k) => k.endsWith('word_embeddings.weight'))!;
    expect(tensors.get(emb)!.dtype).toBe('float32');
    expect(tensors.get(emb)!.rank).toBe(2);
    const io = loadSafetensors(new Uint8Array(readFileSync(join(assetsDir(), 'fixtures/losses/ce-and-distill/io.safetensors'))));
    expect(io.tensors.get('labels')!.dtype).toBe('int32');
    expect(io.tensors.get('labels')!.arraySync()).toEqual([0, 4, 2, -100, 1, 3]);
    expect(
      loadSafetensors(new Uint8Array(readFileSync(join(assetsDir(), 'fixtures/losses/ce-and-distill/io.safetensors'))), { dtype: 'float64' }).tensors.get(
        'logits',
      )!.dtype,
    ).toBe('float64');
  });

  it('round-trips tensors of every dtype, views included', async () => {
    const src = {
      a: arange(6, undefined, 1, { dtype: 'float32' }).reshape(2, 3).transpose(),
      b: tensor([1, -2, 3]),
      c: tensor([true, false]),
      d: tensor([0.1, 0.2], { dtype: 'float64' }),
    };
    const bytes = await saveSafetensors(src, { metadata: { format: 'pt' } });
    const back = loadSafetensors(bytes);
    expect(back.metadata).toEqual({ format: 'pt' });
    for (const [k, t] of Object.entries(src)) {
      expect(back.tensors.get(k)!.arraySync(), k).toEqual(t.arraySync());
      expect(back.tensors.get(k)!.dtype, k).toBe(t.dtype);
    }
    const half = loadSafetensors(await saveSafetensors({ x: tensor([0.5, 1.25, -3], { dtype: 'float32' }) }, { floatDType: 'F16' }));
    expect(half.tensors.get('x')!.arraySync()).toEqual([0.5, 1.25, -3]);
  });

  it('leaves no tensors behind when a file is malformed', () => {
    const before = memory().tensors;
    const good = new Uint8Array(readFileSync(files[0]));
    expect(() => loadSafetensors(good.subarray(0, good.length - 3))).toThrow(SafetensorsError);
    expect(memory().tensors).toBe(before);
  });

  it('writes files atomically and they load back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-st-'));
    const path = join(dir, 'model.safetensors');
    await saveSafetensorsFile(path, { w: tensor([[1, 2]], { dtype: 'float32' }) });
    expect(ls(dir)).toEqual(['model.safetensors']);
    expect((await loadSafetensorsFile(path)).tensors.get('w')!.arraySync()).toEqual([[1, 2]]);
    await expect(saveSafetensorsFile(join(dir, 'missing', 'x.safetensors'), { w: tensor([1]) })).rejects.toThrow();
    expect(ls(dir)).toEqual(['model.safetensors']);
  });
});
