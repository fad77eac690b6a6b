/**
 * The command-line machinery, in process: parsing by flag type, config files under flags,
 * `--json`, plugins and the exit code of each kind of error. (The subprocess tests in
 * cli-errors.test.ts run the real executable.)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineCommand, type CommandInput } from './command';
import { dataError } from './errors';
import { EXIT } from './exit-codes';
import { runCli } from './program';

function sink() {
  let text = '';
  return {
    write: (s: string) => (text += s),
    get text() {
      return text;
    },
  };
}

let seen: CommandInput | undefined;
const echo = defineCommand({
  name: 'echo-test',
  summary: 'records what it was given',
  arguments: [{ name: 'thing', description: 'a thing', required: false }],
  options: [
    { name: 'rate', type: 'number', description: 'a number' },
    { name: 'count', type: 'integer', description: 'an integer' },
    { name: 'mode', choices: ['a', 'b'], description: 'a choice' },
    { name: 'flag', type: 'boolean', negatable: true, description: 'a boolean' },
    { name: 'fail-with', description: 'throw a data error' },
  ],
  async run(input, ctx) {
    seen = input;
    if (input.options.failWith) throw dataError(String(input.options.failWith));
    ctx.print('human line');
    return { thing: input.args.thing ?? null, rate: input.options.rate ?? null };
  },
});

async function run(argv: string[], cwd = process.cwd()) {
  const stdout = sink();
  const stderr = sink();
  seen = undefined;
  const code = await runCli(argv, { stdout, stderr, cwd, commands: [echo] });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('runCli', () => {
  it('parses flags by type, camelCases names and records which were given', async () => {
    const r = await run(['echo-test', 'x', '--rate', '1e-4', '--count', '3', '--mode', 'b', '--flag']);
    expect(r.code).toBe(EXIT.ok);
    expect(seen?.options).toMatchObject({ rate: 1e-4, count: 3, mode: 'b', flag: true });
    expect(seen?.args.thing).toBe('x');
    expect([...(seen?.given ?? [])].sort()).toEqual(['count', 'flag', 'mode', 'rate']);
    expect(r.stdout).toBe('human line\n');
  });

  it('turns every usage mistake into one line and exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['echo-test', '--rat', '1'], /unknown option '--rat' \(did you mean --rate\?\); see graft echo-test --help\n$/],
      [['echo-test', '--rate', 'fast'], /--rate "fast" is invalid: expected a number \(like 3, 0.5 or 1e-4\)/],
      [['echo-test', '--count', '2.5'], /--count "2.5" is invalid: expected a whole number/],
      [['echo-test', '--mode', 'c'], /--mode "c" is invalid: Allowed choices are a, b/],
      [['echo-test', 'x', 'y'], /too many arguments/],
      [['ecko-test'], /unknown command 'ecko-test' \(did you mean echo-test\?\)/],
      [['--plugin'], /--plugin needs a module/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(EXIT.usage);
      expect(r.stderr.trim().split('\n'), argv.join(' ')).toHaveLength(1);
      expect(r.stderr, argv.join(' ')).toMatch(message);
    }
  });

  it('uses the exit code of the error the command threw', async () => {
    const r = await run(['echo-test', '--fail-with', 'bad row']);
    expect(r.code).toBe(EXIT.data);
    expect(r.stderr).toBe('graft echo-test: bad row\n');
  });

  it('--json prints one object on stdout, human lines go to stderr', async () => {
    const ok = await run(['echo-test', 'x', '--rate', '2', '--json']);
    expect(JSON.parse(ok.stdout)).toEqual({ ok: true, command: 'echo-test', thing: 'x', rate: 2 });
    expect(ok.stderr).toBe('human line\n');
    const bad = await run(['echo-test', '--fail-with', 'bad row', '--json']);
    expect(JSON.parse(bad.stdout)).toEqual({ ok: false, command: 'echo-test', exitCode: EXIT.data, error: { code: 'data', message: 'bad row' } });
  });

  it('loads commands from a plugin module and rejects bad plugins with exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-plugin-'));
    writeFileSync(
      join(dir, 'plugin.mjs'),
      `export const graftPlugin = { commands: [{ name: 'hello', summary: 'says hello', async run(input, ctx) { ctx.print('hello from a plugin'); return { greeted: true }; } }] };\n`,
    );
    writeFileSync(join(dir, 'empty.mjs'), 'export const nothing = 1;\n');
    writeFileSync(join(dir, 'clash.mjs'), `export const graftPlugin = (registry) => registry.register({ name: 'echo-test', summary: 'x', async run() {} });\n`);
    const ok = await run(['--plugin', './plugin.mjs', 'hello', '--json'], dir);
    expect(ok.code).toBe(EXIT.ok);
    expect(JSON.parse(ok.stdout)).toEqual({ ok: true, command: 'hello', greeted: true });
    const missing = await run(['--plugin', './nope.mjs', 'hello'], dir);
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.stderr).toMatch(/--plugin \.\/nope\.mjs: no such file/);
    const empty = await run(['--plugin', './empty.mjs', 'hello'], dir);
    expect(empty.stderr).toMatch(/does not export graftPlugin/);
    // the test commands are registered after plugins; the clash is reported either way
    const clash = await run(['--plugin=./clash.mjs', 'echo-test'], dir);
    expect(clash.code).toBe(EXIT.usage);
    expect(clash.stderr).toMatch(/"echo-test" is already registered/);
    const pkg = await run(['--plugin', 'graft-no-such-plugin-package', 'hello'], dir);
    expect(pkg.stderr).toMatch(/cannot import it/);
  });

  it('--help and --version exit 0 and list the commands', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(EXIT.ok);
    expect(help.stdout).toMatch(/echo-test \[options\] \[thing\]\s+records what it was given/);
    const version = await run(['--version']);
    expect(version.code).toBe(EXIT.ok);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});
