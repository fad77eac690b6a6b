/**
 * The Node entry: loading a model directory in each format, with errors that name the file, and
 * atomic saves that clean up after killed writes and report file system errors on the user's path.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assetPath } from '../../../test-utils/assets';
import { fileError } from './atomic-write';
import { loadTokenizer, saveTokenizer } from './node';
import { TokenizerError } from './errors';
import { Tokenizer } from './pipeline/tokenizer';

const scratch = () => mkdtempSync(join(tmpdir(), 'graft-tok-'));

function caught(fn: () => unknown): TokenizerError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TokenizerError);
    return e as TokenizerError;
  }
  throw new Error('expected a TokenizerError');
}

/** The pid of a process that has exited (what a write killed with -9 leaves in its file name). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}

const dir = (name: string) => dirname(assetPath('tokenizers', name, 'vocab.txt'));

describe('loadTokenizer', () => {
  it.each([
    ['bert-base-uncased', 'Hello, world!', [101, 7592, 1010, 2088, 999, 102]],
    ['bert-base-chinese', '你好', [101, 872, 1962, 102]],
    ['gpt2', 'Hello, world!', [15496, 11, 995, 0]],
    ['roberta-base', 'Hello, world!', [0, 31414, 6, 232, 328, 2]],
    ['t5', 'Hello, world!', [8774, 6, 296, 55]],
  ])('%s', (name, text, ids) => {
    const t = loadTokenizer(dir(name)).setTruncation(null).setPadding(null);
    expect(t.encode(text).ids).toEqual(ids);
  });

  it('fails clearly on a directory without tokenizer files, or no directory', () => {
    expect(caught(() => loadTokenizer(scratch())).code).toBe('E_FORMAT');
    const missing = join(scratch(), 'nope');
    const e = caught(() => loadTokenizer(missing));
    expect(e.code).toBe('E_IO');
    expect(e.message).toContain(missing);
  });

  it('names the file, line and column of malformed JSON', () => {
    const d = scratch();
    copyFileSync(join(dir('bert-base-uncased'), 'vocab.txt'), join(d, 'vocab.txt'));
    writeFileSync(join(d, 'tokenizer_config.json'), '{\n  "do_lower_case": true,\n}\n');
    const e = caught(() => loadTokenizer(d));
    expect(e.code).toBe('E_JSON');
    expect(e.message).toContain(join(d, 'tokenizer_config.json'));
    expect(e.message).toContain('line 3, column 1');
    writeFileSync(join(d, 'tokenizer.json'), '{"model": ');
    expect(caught(() => loadTokenizer(d)).message).toContain(`${join(d, 'tokenizer.json')}: malformed JSON at line 1, column 11`);
  });

  it('prefixes loader errors with the file they come from', () => {
    const d = scratch();
    writeFileSync(join(d, 'tokenizer.json'), JSON.stringify({ model: { type: 'WordLevel', vocab: { a: 2 ** 32 } } }));
    const e = caught(() => loadTokenizer(d));
    expect(e.code).toBe('E_BAD_FIELD');
    expect(e.message.startsWith(`${join(d, 'tokenizer.json')}: `)).toBe(true);
  });
});

describe('saveTokenizer', () => {
  const small = () => Tokenizer.fromJSON({ model: { type: 'WordLevel', vocab: { '<unk>': 0, a: 1 }, unk_token: '<unk>' } });

  it('removes temporaries of the same target left by killed writes, and nothing else', () => {
    const out = scratch();
    const target = join(out, 'tokenizer.json');
    const dead = deadPid();
    const stale = [`tokenizer.json.${dead}.0a1b2c3d4e5f.tmp`, `tokenizer.json.${dead}.ffff.tmp`];
    const keep = [`tokenizer.json.${process.ppid}.00aa.tmp`, `other.json.${dead}.00aa.tmp`, `tokenizer.json.${dead}.notes`];
    for (const name of [...stale, ...keep]) writeFileSync(join(out, name), 'x'.repeat(1000));
    saveTokenizer(small(), target);
    expect(readdirSync(out).sort()).toEqual([...keep, 'tokenizer.json'].sort());
    expect(Tokenizer.fromJSON(readFileSync(target, 'utf8')).encode('a').ids).toEqual([1]);
  });

  it('reports a missing folder, a file in the path and a folder in the way on the user path', () => {
    const out = scratch();
    const missing = join(out, 'no-such-folder', 'tokenizer.json');
    let e = caught(() => saveTokenizer(small(), missing));
    expect([e.code, e.message]).toEqual(['E_IO', expect.stringContaining(`"${missing}"`)]);
    expect(e.message).toContain('does not exist; create it first');
    writeFileSync(join(out, 'file'), '');
    e = caught(() => saveTokenizer(small(), join(out, 'file', 'tokenizer.json')));
    expect([e.code, e.message]).toEqual(['E_IO', expect.stringContaining('ENOTDIR')]);
    mkdirSync(join(out, 'tokenizer.json'));
    e = caught(() => saveTokenizer(small(), join(out, 'tokenizer.json')));
    expect(e.code).toBe('E_IO');
    expect(e.message).not.toContain('.tmp');
    expect(readdirSync(out).sort()).toEqual(['file', 'tokenizer.json']); // no temporary left behind
  });

  it('explains permission errors (mapped from the errno code, since tests may run as root)', () => {
    const err = Object.assign(new Error("EACCES: permission denied, open '/x/t.json.1.ab.tmp'"), { code: 'EACCES' });
    const e = fileError(err, '/x/t.json', 'saveTokenizer', 'write', '/x/t.json.1.ab.tmp');
    expect([e.code, e.message, e.cause]).toEqual([
      'E_IO',
      'saveTokenizer: cannot write "/x/t.json": permission denied; check the permissions of "/x" (EACCES)',
      err,
    ]);
    const other = Object.assign(new Error("EIO: i/o error, write '/x/t.json.1.ab.tmp'"), { code: 'EIO' });
    expect(fileError(other, '/x/t.json', 'saveTokenizer', 'write', '/x/t.json.1.ab.tmp').message).toBe(
      'saveTokenizer: cannot write "/x/t.json": EIO: i/o error, write \'/x/t.json\' (EIO)',
    );
  });

  it('writes tokenizer.json atomically and it loads back', () => {
    const out = mkdtempSync(join(tmpdir(), 'graft-tok-'));
    const t = loadTokenizer(dir('roberta-base'));
    saveTokenizer(t, join(out, 'tokenizer.json'));
    expect(readdirSync(out)).toEqual(['tokenizer.json']);
    const back = Tokenizer.fromJSON(readFileSync(join(out, 'tokenizer.json'), 'utf8'));
    expect(back.encode('Hello, world!').ids).toEqual(t.encode('Hello, world!').ids);
    expect(existsSync(join(out, 'tokenizer.json'))).toBe(true);
  });
});
