/**
 * The plugin through the `graft` executable, in a child process as a user's shell runs it: loaded
 * by package name (`--plugin @graft/plugin-example/cli`, resolved from the working directory's
 * project) and by path, its command's output checked against the same statistics computed here
 * with Graft's library, its errors mapped to the CLI's exit codes, and the command absent without
 * the plugin. The executable runs from source, as `pnpm graft` does in this repository.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDataFile, registerDataFormat } from '@graft/data/node';
import { loadTokenizer } from '@graft/models/node';
import { describe, expect, it } from 'vitest';
import { tokenStats } from './commands/token-stats';
import { fastTextFormat } from './formats/fasttext';
import { graft, pluginDir } from './graft-process';
import { assetPath } from './test-model';

const model = assetPath('models', 'bert-tiny-imdb-mlm');

describe('graft --plugin @graft/plugin-example/cli', () => {
  it('count-tokens reports what the library computes, for a built-in dataset name', async () => {
    const r = await graft(['--plugin', '@graft/plugin-example/cli', 'count-tokens', model, 'sst2', '--split', 'validation', '--max-length', '32', '--json']);
    expect(r.code, r.stderr).toBe(0);
    // under --json the human report goes to stderr, so stdout is one JSON object
    expect(r.stderr).toMatch(/^sst2 \(dev\.tsv\): 872 rows, \d+ tokens\n/);
    const out = JSON.parse(r.stdout);
    // the same numbers from the tokenizer and the file directly
    const tokenizer = await loadTokenizer(model, { truncation: false });
    const dev = await readDataFile(assetPath('datasets', 'sst2', 'dev.tsv'));
    const lengths = tokenizer.encodeBatch(dev.column('sentence') as string[]).map((e) => e.ids.length);
    expect(out).toEqual({
      ok: true,
      command: 'count-tokens',
      source: 'sst2 (dev.tsv)',
      textColumn: 'sentence',
      ...JSON.parse(JSON.stringify(tokenStats(lengths, { maxLength: 32 }))),
    });
    expect(out.rows).toBe(872);
    expect(out.truncation.rows).toBeGreaterThan(0);
  });

  it('loads by path too, prints a human report, and has --help', async () => {
    const csv = join(pluginDir, 'src', 'commands', 'fixture-reviews.csv');
    const r = await graft(['--plugin', './src/cli.ts', 'count-tokens', model, csv, '--coverage', '0.5']);
    expect(r.code).toBe(0);
    const rows = readFileSync(csv, 'utf8').trim().split('\n').length - 1;
    expect(r.stdout).toMatch(new RegExp(`^${csv.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: ${rows} rows, \\d+ tokens\\n`));
    expect(r.stdout).toMatch(/\n--max-length \d+ fits 50% of the rows whole\n$/);
    const help = await graft(['--plugin', './src/cli.ts', 'count-tokens', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--coverage <share>/);
  });

  it('reads fastText files as <data> once the plugin has registered the format', async () => {
    const ft = join(pluginDir, 'src', 'commands', 'fixture-reviews.ft');
    const r = await graft(['--plugin', '@graft/plugin-example/cli', 'count-tokens', model, ft, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    // the rows and lengths the library gives for the same file
    registerDataFormat(fastTextFormat);
    const texts = (await readDataFile(ft)).column('text') as string[];
    expect(texts).toHaveLength(4);
    const tokenizer = await loadTokenizer(model, { truncation: false });
    const lengths = tokenizer.encodeBatch(texts).map((e) => e.ids.length);
    expect(out).toMatchObject({ ok: true, textColumn: 'text', rows: 4, tokens: lengths.reduce((a, b) => a + b, 0), max: Math.max(...lengths) });
  });

  it('turns mistakes into the CLI’s exit codes, and the command needs the plugin', async () => {
    const csv = join(pluginDir, 'src', 'commands', 'fixture-reviews.csv');
    const column = await graft(['--plugin', '@graft/plugin-example/cli', 'count-tokens', model, csv, '--text-column', 'body']);
    expect(column.code).toBe(2);
    expect(column.stderr).toMatch(
      /^graft count-tokens: .*fixture-reviews\.csv has no column "body"; its columns are "review", "stars"; pass --text-column <name>\n$/,
    );
    const coverage = await graft(['--plugin', '@graft/plugin-example/cli', 'count-tokens', model, csv, '--coverage', '2']);
    expect(coverage.code).toBe(2);
    expect(coverage.stderr).toMatch(/--coverage must be a share of the rows in \(0, 1\]/);
    const without = await graft(['count-tokens', model, csv]);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/unknown command 'count-tokens'/);
  });
});
