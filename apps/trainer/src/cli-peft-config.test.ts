/**
 * `graft train --method peft --peft-config …` on the embedded checkpoint, in process, two steps
 * a run: a LoRA from PEFT's JSON is the `--method lora` run with the same options and seed, byte
 * for byte; a method that does not merge is refused by `graft merge`; and every mistake in the
 * config (not JSON, not an object, a method not registered, a field the method rejects, another
 * task) is one line and exit 2 before anything is loaded. A plugin's method (the example
 * plugin's LoHa) is tested in plugins/example, where the plugin lives.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSafetensors } from '@graft/core';
import { afterAll, describe, expect, it } from 'vitest';
import { assetPath } from '../../../test-utils/assets';
import { EXIT } from './exit-codes';
import { graftJson, graftOk, SMALL_RUN as small } from './test-in-process';

const work = mkdtempSync(join(tmpdir(), 'graft-cli-peft-config-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const embedded = assetPath('models', 'bert-tiny-imdb-mlm');
const train = (flags: string[], out: string) =>
  graftOk(['train', embedded, 'sst2', ...small, '--max-steps', '2', '--learning-rate', '1e-2', ...flags, '--output-dir', join(work, out)], work);

describe('graft train --method peft', () => {
  it('trains the same LoRA from PEFT’s JSON as --method lora from its flags, byte for byte, and merges it', async () => {
    const flags = await train(['--method', 'lora', '--lora-r', '4', '--lora-alpha', '16', '--target-modules', 'query,key'], 'lora');
    const json = await train(
      ['--method', 'peft', '--peft-config', '{"peft_type": "LORA", "r": 4, "lora_alpha": 16, "target_modules": ["query", "key"]}'],
      'peft',
    );
    expect(json.result.method).toBe('peft');
    expect(json.result.methodSettings).toEqual({ ...(flags.result.methodSettings as object), method: 'peft' });
    expect(json.result.trainableParameters).toBe(flags.result.trainableParameters);
    expect((json.result.metrics as { loss: number }).loss).toBe((flags.result.metrics as { loss: number }).loss);
    // the pooler the checkpoint lacks is saved with the adapter, as for --method lora
    expect(json.stderr).toMatch(/bert\.pooler\.dense: not in the base checkpoint, so initialised at random; kept frozen but saved with the adapter/);
    for (const file of ['adapter_config.json', 'adapter_model.safetensors', 'id2label.json'])
      expect(readFileSync(join(work, 'peft', 'best', file)).equals(readFileSync(join(work, 'lora', 'best', file))), file).toBe(true);
    // and it trained: LoRA's B starts at zero
    const { tensors } = loadSafetensors(new Uint8Array(readFileSync(join(work, 'peft', 'best', 'adapter_model.safetensors'))));
    const b = tensors.get('base_model.model.bert.encoder.layer.0.attention.self.key.lora_B.weight')!.dataSync() as Float32Array;
    expect(b.some((x) => x !== 0)).toBe(true);
    const config = JSON.parse(readFileSync(join(work, 'peft', 'best', 'adapter_config.json'), 'utf8'));
    expect(config).toMatchObject({ peft_type: 'LORA', task_type: 'SEQ_CLS', r: 4, lora_alpha: 16, inference_mode: true });
    const { result } = await graftOk(['merge', embedded, join(work, 'peft', 'best'), '--output', join(work, 'peft-merged')], work);
    expect(result.peftType).toBe('LORA');
  }, 60_000);

  it('graft inspect --method peft counts what --method lora counts', async () => {
    const lora = (await graftOk(['inspect', embedded, '--method', 'lora', '--lora-r', '4'], work)).result;
    const peft = (await graftOk(['inspect', embedded, '--method', 'peft', '--peft-config', '{"peft_type": "LORA", "r": 4}'], work)).result;
    expect(peft.trainableParameters).toBe(lora.trainableParameters);
    expect(peft).toMatchObject({ method: 'peft', parameters: lora.parameters });
  });

  it('reads a file (an adapter_config.json too), and graft merge refuses a method that does not merge', async () => {
    // a saved adapter's config: inference_mode true and another base are the run's to set
    const file = join(work, 'prompt.json');
    writeFileSync(
      file,
      JSON.stringify({ peft_type: 'PROMPT_TUNING', num_virtual_tokens: 4, inference_mode: true, base_model_name_or_path: 'bert-base-uncased' }, null, 2),
    );
    const { result } = await train(['--method', 'peft', '--peft-config', 'prompt.json'], 'prompt');
    // 4 virtual tokens of width 128, and the classifier (2 · 128 + 2)
    expect(result.trainableParameters).toBe(4 * 128 + 258);
    const best = join(work, 'prompt', 'best');
    const config = JSON.parse(readFileSync(join(best, 'adapter_config.json'), 'utf8'));
    expect(config).toMatchObject({ peft_type: 'PROMPT_TUNING', num_virtual_tokens: 4, task_type: 'SEQ_CLS' });
    expect(config.base_model_name_or_path).not.toBe('bert-base-uncased');
    const merge = await graftJson(['merge', embedded, best, '--output', join(work, 'prompt-merged')], work);
    expect(merge.code).toBe(EXIT.usage);
    expect(merge.stderr).toMatch(/PROMPT_TUNING does not merge into the base weights/);
  }, 60_000);

  const bad = join(work, 'bad.json');
  writeFileSync(bad, '{\n  "peft_type": "LORA",\n  "r": 4,\n}\n');
  /** [what, method flags, stderr pattern] */
  const cases: [string, string[], RegExp][] = [
    ['no config', ['--method', 'peft'], /^graft train: --method peft needs --peft-config: a JSON file or inline JSON/m],
    ['config without --method peft', ['--peft-config', '{"peft_type": "LORA"}'], /--peft-config applies to --method peft, not --method full/],
    [
      'another method’s flag',
      ['--method', 'peft', '--peft-config', '{"peft_type": "LORA"}', '--lora-r', '4'],
      /--lora-r applies to --method lora, not --method peft/,
    ],
    [
      'no such file',
      ['--method', 'peft', '--peft-config', 'lora.json'],
      /--peft-config lora\.json: no such file \(.*lora\.json\); pass a JSON file or inline JSON/,
    ],
    ['malformed file', ['--method', 'peft', '--peft-config', bad], /--peft-config .*bad\.json: not valid JSON at line 4, column 1 \(/],
    [
      'malformed inline JSON',
      ['--method', 'peft', '--peft-config', '{peft_type: LORA}'],
      /--peft-config: not valid JSON at column 2 \(.*\); quote it for the shell: --peft-config '\{"peft_type": "LORA", "r": 8\}'/,
    ],
    ['not an object', ['--method', 'peft', '--peft-config', '["LORA"]'], /--peft-config: a PEFT config is a JSON object \(\{"peft_type": …, …\}\), got a list/],
    [
      'a method not registered',
      ['--method', 'peft', '--peft-config', '{"peft_type": "LOHA"}'],
      /--peft-config: peft_type 'LOHA' is not a registered PEFT method \(registered: BITFIT, BOTTLENECK_ADAPTER, IA3, LORA, PREFIX_TUNING, PROMPT_TUNING\); a method from a plugin is registered by loading the plugin: graft --plugin <module> train/,
    ],
    ['no peft_type', ['--method', 'peft', '--peft-config', '{"r": 4}'], /--peft-config: the config needs peft_type, the method \(registered: BITFIT, /],
    [
      'a value the method rejects',
      ['--method', 'peft', '--peft-config', '{"peft_type": "LORA", "r": 0}'],
      /^graft train: --peft-config: field 'r' must be a positive integer, got 0$/m,
    ],
    [
      'a field the method lacks',
      ['--method', 'peft', '--peft-config', '{"peft_type": "IA3", "r": 4}'],
      /^graft train: --peft-config: unknown field 'r' for peft_type 'IA3'; known fields: /m,
    ],
    [
      'another task',
      ['--method', 'peft', '--peft-config', '{"peft_type": "LORA", "task_type": "CAUSAL_LM"}'],
      /task_type is "CAUSAL_LM", but graft train trains sequence classification: leave task_type out or set "SEQ_CLS"/,
    ],
  ];
  it.each(cases)('%s: one line, exit 2, before anything is loaded', async (_what, flags, message) => {
    // a model folder that does not exist: the config is checked first
    const r = await graftJson(['train', join(work, 'no-model'), 'sst2', ...flags], work);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('passes on what the method finds wrong on the model (a target that matches nothing)', async () => {
    const r = await graftJson(
      ['train', embedded, 'sst2', ...small, '--max-steps', '1', '--method', 'peft', '--peft-config', '{"peft_type": "LORA", "target_modules": ["qkv"]}'],
      work,
    );
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/^graft train: --peft-config: LORA: .*target_modules \["qkv"\]/m);
  });
});
