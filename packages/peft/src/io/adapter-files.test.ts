/**
 * Adapter files against the ones PEFT wrote: the fixture adapter, loaded and saved again by
 * Graft, comes back byte for byte (config and safetensors); a fresh Graft adapter of the same
 * configuration has PEFT's key names, shapes, dtypes and config fields; several adapters are
 * saved as PEFT saves them; bad files fail with typed errors and change nothing.
 */
import { parseSafetensors, serializeSafetensors } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { fixtureBase, peftFixtureFiles } from '../../../../test-utils/peft/fixture';
import { PeftConfigError, PeftFileError } from '../errors';
import type { LoraLinear } from '../lora/linear';
import { getPeftModel, PeftModel } from '../peft-model';
import { adapterConfigText, isAbsolutePath } from './adapter-io';

const quiet = { warn: () => {} };
const decode = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

function header(bytes: Uint8Array) {
  const f = parseSafetensors(bytes);
  return Object.fromEntries([...f.tensors].map(([k, t]) => [k, { dtype: t.dtype, shape: [...t.shape] }]));
}

describe('adapter files in PEFT format', () => {
  it('re-saves the fixture adapter byte for byte', async () => {
    const fixture = peftFixtureFiles();
    const peft = await PeftModel.fromPretrained(await fixtureBase(), fixture);
    const files = peft.toAdapterFiles();
    expect([...files.keys()].sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
    expect(decode(files.get('adapter_config.json'))).toBe(decode(fixture.get('adapter_config.json')));
    expect(Buffer.from(files.get('adapter_model.safetensors')!).equals(Buffer.from(fixture.get('adapter_model.safetensors')!))).toBe(true);
    expect(Buffer.from((await peft.toAdapterFilesAsync()).get('adapter_model.safetensors')!).equals(Buffer.from(files.get('adapter_model.safetensors')!))).toBe(
      true,
    );
    peft.dispose();
  });

  it('writes a fresh adapter with the key names, shapes, dtypes and config fields PEFT writes', async () => {
    const fixture = peftFixtureFiles();
    const peft = getPeftModel(await fixtureBase(), { peft_type: 'LORA', task_type: 'SEQ_CLS', r: 4, lora_alpha: 8, target_modules: ['value', 'query'] }, quiet);
    const files = peft.toAdapterFiles();
    expect(header(files.get('adapter_model.safetensors')!)).toEqual(header(fixture.get('adapter_model.safetensors')!));
    expect(parseSafetensors(files.get('adapter_model.safetensors')!).metadata).toEqual({ format: 'pt' });
    const ours = JSON.parse(decode(files.get('adapter_config.json')));
    const theirs = JSON.parse(decode(fixture.get('adapter_config.json')));
    expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
    // the same values, except where the fixture recorded where its base model was
    expect({ ...ours, base_model_name_or_path: null }).toEqual({ ...theirs, base_model_name_or_path: null });
    expect(decode(files.get('adapter_config.json'))).toContain('"lora_dropout": 0.0');
    peft.dispose();
  });

  it('saves other adapters in a folder of their name and loads each back', async () => {
    const peft = getPeftModel(await fixtureBase(), { peft_type: 'LORA', task_type: 'SEQ_CLS', r: 2, target_modules: ['query'] }, quiet);
    peft.addAdapter('second', { peft_type: 'LORA', task_type: 'SEQ_CLS', r: 3, target_modules: ['value'], init_lora_weights: false });
    const files = peft.toAdapterFiles();
    expect([...files.keys()].sort()).toEqual([
      'adapter_config.json',
      'adapter_model.safetensors',
      'second/adapter_config.json',
      'second/adapter_model.safetensors',
    ]);
    expect(Object.keys(header(files.get('second/adapter_model.safetensors')!))).toContain(
      'base_model.model.bert.encoder.layer.1.attention.self.value.lora_B.weight',
    );
    expect(Object.keys(peft.toAdapterFiles({ selectedAdapters: ['second'] }))).toEqual([]);
    expect([...peft.toAdapterFiles({ selectedAdapters: ['second'] }).keys()]).toEqual(['second/adapter_model.safetensors', 'second/adapter_config.json']);
    const again = await PeftModel.fromPretrained(await fixtureBase(), files, { subfolder: 'second', adapterName: 'second' });
    const key = 'bert.encoder.layer.1.attention.self.value';
    const b = (m: PeftModel) => (m.getBaseModel().getSubmodule(key) as LoraLinear).lora_B.get('second')!.weight.dataSync();
    expect(b(again)).toEqual(b(peft));
    peft.dispose();
    again.dispose();
  });

  it('never writes an absolute base_model_name_or_path', async () => {
    const peft = getPeftModel(
      await fixtureBase(),
      { peft_type: 'LORA', r: 2, target_modules: ['query'], base_model_name_or_path: '/home/me/models/bert-seqcls' },
      quiet,
    );
    expect(JSON.parse(adapterConfigText(peft.base_model, 'default')).base_model_name_or_path).toBe('bert-seqcls');
    expect(JSON.parse(adapterConfigText(peft.base_model, 'default', { baseModelNameOrPath: 'google/bert' })).base_model_name_or_path).toBe('google/bert');
    for (const p of ['/a', 'C:\\models\\x', 'c:/x', '\\\\server\\share', 'file:///tmp/x']) expect(isAbsolutePath(p)).toBe(true);
    for (const p of ['../../models/x', 'bert-base-uncased', 'org/model']) expect(isAbsolutePath(p)).toBe(false);
    peft.dispose();
  });

  it('loads frozen by default and trainable on request, with the adapter in inference_mode accordingly', async () => {
    const frozen = await PeftModel.fromPretrained(await fixtureBase(), peftFixtureFiles());
    expect(frozen.trainableParameters().trainable).toBe(0);
    expect(frozen.peftConfig.default.inference_mode).toBe(true);
    const trainable = await PeftModel.fromPretrained(await fixtureBase(), peftFixtureFiles(), { isTrainable: true });
    expect(trainable.trainableParameters()).toMatchObject({ trainable: 1090, all: 53154 });
    expect(trainable.peftConfig.default.inference_mode).toBe(false);
    frozen.dispose();
    trainable.dispose();
  });
});

describe('bad adapter files', () => {
  async function rejects(files: Map<string, Uint8Array>) {
    const base = await fixtureBase();
    const before = Object.keys(base.stateDict());
    const flags = base.parameters().map((p) => p.requiresGrad);
    const err = await PeftModel.fromPretrained(base, files).then(
      () => null,
      (e: unknown) => e,
    );
    // the base model is left exactly as it was
    expect(Object.keys(base.stateDict())).toEqual(before);
    expect(base.parameters().map((p) => p.requiresGrad)).toEqual(flags);
    base.dispose();
    return err;
  }

  it('missing files, a pickle, broken JSON and broken safetensors', async () => {
    const fixture = peftFixtureFiles();
    const only = (name: string) => new Map([...fixture].filter(([k]) => k !== name));
    expect(await rejects(only('adapter_config.json'))).toMatchObject({ code: 'peft_file_missing', file: 'adapter_config.json' });
    expect(await rejects(only('adapter_model.safetensors'))).toMatchObject({ code: 'peft_file_missing' });
    const pickle = only('adapter_model.safetensors').set('adapter_model.bin', new Uint8Array([0x80, 2]));
    expect(String(((await rejects(pickle)) as Error).message)).toMatch(/pickle/);
    expect(await rejects(new Map(fixture).set('adapter_config.json', new TextEncoder().encode('{"peft_type": "LORA",')))).toBeInstanceOf(PeftFileError);
    const truncated = fixture.get('adapter_model.safetensors')!.slice(0, 100);
    expect(await rejects(new Map(fixture).set('adapter_model.safetensors', truncated))).toMatchObject({ code: 'peft_file_invalid' });
  });

  it('tensors that do not fit: missing, unexpected, other shapes (nothing loaded)', async () => {
    const fixture = peftFixtureFiles();
    const tensors = parseSafetensors(fixture.get('adapter_model.safetensors')!).tensors;
    const rewrite = (edit: (list: { name: string; dtype: 'F32'; shape: number[]; data: Float32Array }[]) => void) => {
      const list = [...tensors].map(([name, t]) => ({
        name,
        dtype: 'F32' as const,
        shape: [...t.shape],
        data: new Float32Array(t.shape.reduce((a, b) => a * b, 1)),
      }));
      edit(list);
      return new Map(fixture).set('adapter_model.safetensors', serializeSafetensors(list, { format: 'pt' }));
    };
    const missing = (await rejects(rewrite((l) => l.splice(0, 1)))) as PeftFileError;
    expect(missing.code).toBe('peft_file_mismatch');
    expect(missing.message).toMatch(/missing base_model\.model\.bert\.encoder\.layer\.0\.attention\.self\.query\.lora_A\.weight/);
    const extra = (await rejects(
      rewrite((l) => l.push({ name: 'base_model.model.x.lora_A.weight', dtype: 'F32', shape: [1], data: new Float32Array(1) })),
    )) as PeftFileError;
    expect(extra.message).toMatch(/unexpected base_model\.model\.x\.lora_A\.weight/);
    const shape = (await rejects(
      rewrite((l) => {
        l[0].shape = [32, 4];
      }),
    )) as PeftFileError;
    expect(shape.message).toMatch(/other shapes: .*file \[32, 4\], model \[4, 32\]/);
  });

  it('configs that PEFT would not load, or that need what Graft lacks', async () => {
    const fixture = peftFixtureFiles();
    const config = JSON.parse(decode(fixture.get('adapter_config.json')));
    const withConfig = (c: object) => new Map(fixture).set('adapter_config.json', new TextEncoder().encode(JSON.stringify(c)));
    expect(await rejects(withConfig({ ...config, r: 0 }))).toMatchObject({ code: 'peft_config_invalid', field: 'r' });
    expect(await rejects(withConfig({ ...config, peft_type: 'NOPE' }))).toMatchObject({ code: 'peft_method_unknown' });
    expect(await rejects(withConfig({ ...config, init_lora_weights: 'pissa' }))).toMatchObject({ code: 'peft_config_unsupported', field: 'init_lora_weights' });
    expect(await rejects(withConfig({ ...config, use_qalora: true }))).toMatchObject({ code: 'peft_config_unsupported', field: 'use_qalora' });
    // a field from a newer PEFT is fine while off, and refused once it would change the adapter
    const newer = await PeftModel.fromPretrained(await fixtureBase(), withConfig({ ...config, future_thing: null }));
    expect(decode(newer.toAdapterFiles().get('adapter_config.json'))).toContain('"future_thing": null');
    newer.dispose();
    const refused = await rejects(withConfig({ ...config, future_thing: 3 }));
    expect(refused).toBeInstanceOf(PeftConfigError);
    expect(refused).toMatchObject({ code: 'peft_config_unknown_field', field: 'future_thing' });
  });
});
