/**
 * The `<data>` argument reads formats a plugin registered with @graft/data's `registerDataFormat`
 * (as `graft --plugin` modules do in their `register` hook), and still refuses unknown
 * extensions with the fix in the message.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dataset } from '@graft/data';
import { registerDataFormat } from '@graft/data/node';
import { describe, expect, it } from 'vitest';
import type { CliContext } from './command';
import { loadSplits, pickTextColumn } from './data-loading';
import { CliError } from './errors';

const dir = mkdtempSync(join(tmpdir(), 'graft-cli-formats-'));
const ctx = { cwd: dir, env: {} } as unknown as CliContext;

describe('the <data> argument', () => {
  it('reads a format a plugin registered, by its extension', async () => {
    writeFileSync(join(dir, 'reviews.ft'), '__label__pos a gorgeous, witty film\n__label__neg dull\n');
    writeFileSync(join(dir, 'reviews.xyz'), 'x');
    const unknown = await loadSplits('reviews.ft', ctx).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(CliError);
    expect((unknown as CliError).message).toMatch(
      /unknown file type "\.ft"; use \.csv, \.tsv, \.json, \.jsonl, \.parquet \(optionally \.gz\), or load a --plugin that reads it/,
    );
    registerDataFormat({
      name: 'fasttext',
      extensions: ['ft'],
      async read(path) {
        const rows = readFileSync(path, 'utf8')
          .trim()
          .split('\n')
          .map((line) => {
            const [, label, text] = /^__label__(\S+)\s+(.*)$/.exec(line)!;
            return { text, label };
          });
        return Dataset.fromRows(rows);
      },
    });
    const { train } = await loadSplits('reviews.ft', ctx);
    expect(train?.dataset.toArray()).toEqual([
      { text: 'a gorgeous, witty film', label: 'pos' },
      { text: 'dull', label: 'neg' },
    ]);
    expect(pickTextColumn(train!, undefined)).toBe('text');
    expect(await loadSplits('reviews.xyz', ctx).catch((e: unknown) => (e as Error).message)).toMatch(/unknown file type "\.xyz"/);
  });
});
