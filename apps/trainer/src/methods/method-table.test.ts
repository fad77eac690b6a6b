/**
 * The method table and what documents it: every method has a row in the README's table, every
 * flag a method names is a flag of `graft train`, and every method flag belongs to a method (so
 * `resolveMethod` can say whose it is).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinCommands } from '../commands/index';
import { TRAINING_METHODS, trainMethodOptions } from './index';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
const camel = (kebab: string) => kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

describe('the method table', () => {
  it('has a README row per method, and a README row per built-in command', () => {
    for (const m of TRAINING_METHODS) expect(readme, m.name).toMatch(new RegExp(`^\\| \`${m.name}\` +\\|`, 'm'));
    for (const c of builtinCommands) expect(readme, c.name).toMatch(new RegExp(`^\\| \`graft ${c.name}[ \`]`, 'm'));
  });

  it('names only flags graft train has, and every method flag has an owner', () => {
    const flags = new Set(trainMethodOptions().map((o) => camel(o.name)));
    const owned = new Set(TRAINING_METHODS.flatMap((m) => m.flags));
    for (const f of owned) expect(flags.has(f), f).toBe(true);
    for (const f of flags) if (f !== 'method') expect(owned.has(f), f).toBe(true);
  });
});
