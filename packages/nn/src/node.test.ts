import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSafetensorsFile } from '@graft/core/node';
import { afterAll, describe, expect, it } from 'vitest';
import { registerAsyncDevice } from '../../../test-utils/nn/async-device';
import { StateDictShapeError } from './errors';
import { BatchNorm1d } from './layers/batch-norm';
import { Linear } from './layers/linear';
import { LayerNorm } from './layers/normalization';
import { Sequential } from './module/containers';
import { loadStateDictFile, saveStateDict } from './node';

const dir = await mkdtemp(join(tmpdir(), 'graft-nn-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('state dicts through safetensors files', () => {
  it('round-trip exactly, with PyTorch key names and the pt format tag', async () => {
    const a = new Sequential(new Linear(3, 5), new LayerNorm(5), new Linear(5, 2));
    const path = join(dir, 'model.safetensors');
    await saveStateDict(a, path);
    const file = await loadSafetensorsFile(path);
    expect([...file.tensors.keys()].sort()).toEqual(['0.bias', '0.weight', '1.bias', '1.weight', '2.bias', '2.weight']);
    expect(file.metadata.format).toBe('pt');
    const b = new Sequential(new Linear(3, 5), new LayerNorm(5), new Linear(5, 2));
    expect(await loadStateDictFile(b, path)).toEqual({ missing: [], unexpected: [] });
    for (const [k, t] of Object.entries(a.stateDict())) expect(b.stateDict()[k].arraySync()).toEqual(t.arraySync());
  });

  it('save a module held on a device without synchronous reads, and load a file into one', async () => {
    const device = registerAsyncDevice();
    const a = new Sequential(new Linear(3, 4), new BatchNorm1d(4)).to(device);
    const path = join(dir, 'device.safetensors');
    await saveStateDict(a, path);
    const b = new Sequential(new Linear(3, 4), new BatchNorm1d(4)).to(device);
    expect(await loadStateDictFile(b, path)).toEqual({ missing: [], unexpected: [] });
    for (const [k, t] of Object.entries(a.stateDict())) expect(Array.from(await b.stateDict()[k].data()), k).toEqual(Array.from(await t.data()));
    expect(b.getParameter('0.weight').device).toBe(device);
  });

  it('report the key and both shapes when the file does not fit', async () => {
    const path = join(dir, 'small.safetensors');
    await saveStateDict(new Sequential(new Linear(3, 4)), path);
    await expect(loadStateDictFile(new Sequential(new Linear(3, 6)), path)).rejects.toThrow(StateDictShapeError);
    await expect(loadStateDictFile(new Sequential(new Linear(3, 6)), path)).rejects.toThrow(/0\.weight: checkpoint has \[4, 3\], module expects \[6, 3\]/);
  });
});
