/**
 * The CLI plugin object in-process, as a program that embeds @graft/cli sees it: `loadPlugin`
 * adds `count-tokens` to a registry and runs the `register` hook, after which @graft/data reads
 * `.ft` files and @graft/peft's registry knows LOHA, so an adapter folder saved with LoHa loads through
 * `PeftModel.fromPretrained`; and `runCli` runs the command with the plugin's command given
 * directly.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandRegistry, loadPlugin, runCli } from '@graft/cli';
import { dataFormatOf } from '@graft/data/node';
import { getPeftModel, peftMethod } from '@graft/peft';
import { PeftModel, savePeftAdapter } from '@graft/peft/node';
import { describe, expect, it } from 'vitest';
import { countTokensCommand, graftPlugin } from './cli';
import { assetPath, TinyTextClassifier, tinyBatch } from './test-model';

const pluginDir = join(import.meta.dirname, '..');

describe('graftPlugin', () => {
  it('adds count-tokens and registers LoHa when the CLI loads it, not before', async () => {
    expect(() => peftMethod('LOHA')).toThrow(/peft_type 'LOHA' is not supported .*registerPeftMethod/);
    expect(dataFormatOf('reviews.ft')).toBeNull();
    expect(graftPlugin).toMatchObject({ name: '@graft/plugin-example', commands: [countTokensCommand] });
    const registry = new CommandRegistry();
    await loadPlugin('./src/cli.ts', registry, pluginDir);
    expect(registry.list().map((c) => c.name)).toEqual(['count-tokens']);
    expect(peftMethod('LOHA').peftType).toBe('LOHA');
    expect(dataFormatOf('reviews.ft.gz')).toBe('fasttext');

    // a LoHa adapter folder now loads by its adapter_config.json
    const dir = await mkdtemp(join(tmpdir(), 'graft-loha-adapter-'));
    const peft = getPeftModel(new TinyTextClassifier(4), { peft_type: 'LOHA', target_modules: ['proj'], r: 2, init_weights: false });
    await savePeftAdapter(peft, dir);
    const loaded = await PeftModel.fromPretrained(new TinyTextClassifier(4), dir);
    expect(loaded.peftConfig.default.peft_type).toBe('LOHA');
    expect(Array.from(loaded.call(tinyBatch()).logits.dataSync())).toEqual(Array.from(peft.call(tinyBatch()).logits.dataSync()));
    // a second plugin cannot take the command's name
    await expect(loadPlugin('./src/cli.ts', registry, pluginDir)).rejects.toThrow(/a command named "count-tokens" is already registered/);
  });

  it('runs in-process through runCli with the command passed directly', async () => {
    let stdout = '';
    const code = await runCli(
      ['count-tokens', assetPath('models', 'bert-tiny-imdb-mlm'), join(pluginDir, 'src', 'commands', 'fixture-reviews.csv'), '--json'],
      {
        stdout: { write: (t: string) => (stdout += t) },
        stderr: { write: () => true },
        cwd: pluginDir,
        commands: [countTokensCommand],
      },
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, command: 'count-tokens', textColumn: 'review', rows: 5 });
  });
});
