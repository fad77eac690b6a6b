/**
 * Adapter directories on disk (`@graft/peft/node`): the fixture directory PEFT wrote loads with
 * `PeftModel.fromPretrained(base, dir)`; `savePeftAdapter` writes PEFT's files atomically (no
 * temporaries left, weights before config), with a relative `base_model_name_or_path`; a second
 * adapter goes into its own folder and `loadPeftAdapter` reads it back; bad directories fail
 * with typed errors.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureBase, PEFT_FIXTURE_DIR, peftFixtureIO } from '../../../test-utils/peft/fixture';
import { TinyNet, tinyBatch } from '../../../test-utils/peft/tiny';
import { PeftFileError } from './errors';
import { adapterDirFiles, loadPeftAdapter, PeftModel, savePeftAdapter } from './node';
import { getPeftModel, PeftModel as MainPeftModel } from './peft-model';

const root = mkdtempSync(join(tmpdir(), 'graft-peft-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const quiet = { warn: () => {} };

describe('adapter directories', () => {
  it("loads the directory PEFT wrote and reproduces PEFT's logits", async () => {
    const peft = await PeftModel.fromPretrained(await fixtureBase(), PEFT_FIXTURE_DIR);
    expect(peft).toBeInstanceOf(PeftModel);
    expect(peft).toBeInstanceOf(MainPeftModel);
    const io = peftFixtureIO();
    const out = peft.call({ inputIds: io.get('input_ids')!, attentionMask: io.get('attention_mask'), tokenTypeIds: io.get('token_type_ids') }) as {
      logits: { dataSync(): ArrayLike<number> };
    };
    const expected = io.get('logits')!.dataSync();
    Array.from(out.logits.dataSync()).forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-5));
    peft.dispose();
  });

  it('saves atomically, with a relative base path, and loads back; a second adapter has its own folder', async () => {
    const dir = join(root, 'run', 'adapter');
    const base = join(root, 'models', 'tiny');
    const peft = getPeftModel(
      new TinyNet(3),
      { peft_type: 'LORA', target_modules: ['proj'], r: 2, init_lora_weights: false, base_model_name_or_path: base },
      quiet,
    );
    peft.addAdapter('other', { peft_type: 'LORA', target_modules: ['out'], r: 2, init_lora_weights: false, base_model_name_or_path: base });
    const written = await savePeftAdapter(peft, dir);
    expect(written).toEqual(['adapter_model.safetensors', 'other/adapter_model.safetensors', 'adapter_config.json', 'other/adapter_config.json']);
    expect(readdirSync(dir).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors', 'other']);
    const config = JSON.parse(readFileSync(join(dir, 'adapter_config.json'), 'utf8'));
    expect(config.base_model_name_or_path).toBe('../../models/tiny');
    expect(JSON.parse(readFileSync(join(dir, 'other', 'adapter_config.json'), 'utf8')).base_model_name_or_path).toBe('../../../models/tiny');
    const batch = tinyBatch();
    const loaded = await PeftModel.fromPretrained(new TinyNet(3), dir);
    expect(Array.from(loaded.call(batch).logits.dataSync())).toEqual(Array.from(peft.call(batch).logits.dataSync()));
    await loadPeftAdapter(loaded, join(dir, 'other'));
    expect(Object.keys(loaded.peftConfig)).toEqual(['default', 'other']);
    loaded.setAdapter('other');
    peft.setAdapter('other');
    expect(Array.from(loaded.call(batch).logits.dataSync())).toEqual(Array.from(peft.call(batch).logits.dataSync()));
    const fresh = await loadPeftAdapter(new TinyNet(3), dir, { isTrainable: true });
    expect(fresh.trainableParameters().trainable).toBe(32);
    // saving again over the same files leaves no temporaries
    await savePeftAdapter(peft, dir);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses missing directories, files, and reads outside the directory', async () => {
    expect(() => adapterDirFiles(join(root, 'nope'))).toThrow(PeftFileError);
    const file = join(root, 'file.json');
    writeFileSync(file, '{}');
    expect(() => adapterDirFiles(file)).toThrow(/is a file/);
    await expect(adapterDirFiles(root).read('../etc/passwd')).rejects.toMatchObject({ code: 'peft_file_invalid' });
    await expect(PeftModel.fromPretrained(new TinyNet(), root)).rejects.toMatchObject({ code: 'peft_file_missing', file: 'adapter_config.json' });
  });
});
