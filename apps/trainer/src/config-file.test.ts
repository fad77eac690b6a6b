import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OptionSpec } from './command';
import { mergeConfig, readConfigFile, toCamel, toKebab } from './config-file';
import { CliError } from './errors';
import { EXIT } from './exit-codes';

const specs: OptionSpec[] = [
  { name: 'learning-rate', type: 'number', description: '' },
  { name: 'num-train-epochs', type: 'number', description: '' },
  { name: 'seed', type: 'integer', description: '' },
  { name: 'text-column', description: '' },
  { name: 'device', choices: ['cpu', 'webgpu'], description: '' },
  { name: 'load-best-model-at-end', type: 'boolean', description: '' },
];

const dir = mkdtempSync(join(tmpdir(), 'graft-config-'));
function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(EXIT.usage);
    return (e as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('config files', () => {
  it('maps kebab-case, snake_case and camelCase keys to the same flag', () => {
    expect(toCamel('learning-rate')).toBe('learningRate');
    expect(toCamel('learning_rate')).toBe('learningRate');
    expect(toCamel('adam_beta1')).toBe('adamBeta1');
    expect(toKebab('perDeviceTrainBatchSize')).toBe('per-device-train-batch-size');
  });

  it('reads YAML and JSON; flags given on the command line win', () => {
    const yaml = readConfigFile(
      file('a.yaml', 'model: assets/models/x\nlearning_rate: 1e-4\nnum-train-epochs: 2\nseed: 7\ndevice: cpu\nload_best_model_at_end: true\n'),
      dir,
    );
    const { options, args } = mergeConfig('a.yaml', yaml, specs, { seed: 1 }, new Set(['seed']), ['model', 'data']);
    expect(args).toEqual({ model: 'assets/models/x' });
    expect(options).toEqual({ learningRate: 1e-4, numTrainEpochs: 2, seed: 1, device: 'cpu', loadBestModelAtEnd: true });
    const json = readConfigFile(file('b.json', '{"learningRate": 0.001, "textColumn": "sentence"}'), dir);
    expect(mergeConfig('b.json', json, specs, {}, new Set()).options).toEqual({ learningRate: 0.001, textColumn: 'sentence' });
  });

  it('names the problem and the fix for every mistake', () => {
    expect(usage(() => readConfigFile('missing.yaml', dir))).toMatch(/--config missing\.yaml: no such file/);
    expect(usage(() => readConfigFile(file('bad.yaml', 'a: [1, 2\n'), dir))).toMatch(/--config bad\.yaml:\d+:\d+: not valid YAML/);
    expect(usage(() => readConfigFile(file('bad.json', '{"a": }'), dir))).toMatch(/not valid JSON/);
    expect(usage(() => readConfigFile(file('list.yaml', '- 1\n- 2\n'), dir))).toMatch(/expected a mapping of settings/);
    expect(usage(() => readConfigFile(file('c.toml', 'a = 1'), dir))).toMatch(/unknown extension "\.toml"/);
    expect(usage(() => mergeConfig('a.yaml', { learning_rat: 1 }, specs, {}, new Set()))).toMatch(
      /unknown setting "learning_rat" \(did you mean "learning-rate"\?\)/,
    );
    expect(usage(() => mergeConfig('a.yaml', { seed: 1.5 }, specs, {}, new Set()))).toMatch(/seed must be a whole number, got 1\.5/);
    expect(usage(() => mergeConfig('a.yaml', { device: 'tpu' }, specs, {}, new Set()))).toMatch(/device must be one of cpu, webgpu/);
    expect(usage(() => mergeConfig('a.yaml', { load_best_model_at_end: 'yes' }, specs, {}, new Set()))).toMatch(/must be true or false/);
  });
});
