/**
 * The guides' runnable examples (```ts run blocks in docs/*.md) run as written, on WebGPU where
 * an adapter exists (lavapipe in CI) and on the CPU otherwise, and what they print is checked: a
 * guide cannot show an example that fails or prints the wrong numbers. The blocks are plain
 * JavaScript with `import { … } from '…'` lines, which are bound to the modules imported here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as core from '@graft/core';
import * as webgpu from '@graft/core/webgpu';
import { expect, it } from 'vitest';
import { expectClose } from '../test-utils/close';

const modules: Record<string, Record<string, unknown>> = { '@graft/core': core, '@graft/core/webgpu': webgpu };

/** The ```ts run blocks of a guide, in order. */
function runnableBlocks(guide: string): string[] {
  const text = readFileSync(join(import.meta.dirname, guide), 'utf8');
  return [...text.matchAll(/^```ts run\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

/** Runs a block with its imports bound and returns what it printed, one entry per console.log call. */
async function run(block: string): Promise<unknown[][]> {
  const names: string[] = [];
  const values: unknown[] = [];
  const body = block.replace(/^import \{([^}]*)\} from '([^']+)';$/gm, (_, list: string, from: string) => {
    const mod = modules[from];
    if (!mod) throw new Error(`a runnable block imports '${from}': add it to the modules of docs/guides.test.ts`);
    for (const name of list
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (!(name in mod)) throw new Error(`'${from}' has no export '${name}'`);
      names.push(name);
      values.push(mod[name]);
    }
    return '';
  });
  const logged: unknown[][] = [];
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...args: unknown[]) => Promise<void>;
  await new AsyncFunction(...names, 'console', body)(...values, { log: (...args: unknown[]) => logged.push(args) });
  return logged;
}

it('backends.md, "Using WebGPU": prints the row softmax of x·x', async () => {
  const blocks = runnableBlocks('backends.md');
  expect(blocks).toHaveLength(1);
  const logged = await run(blocks[0]);
  expect(logged).toHaveLength(1);
  const [values] = logged[0] as [Float32Array];
  expect(values).toBeInstanceOf(Float32Array);
  // x·x = [[7, 10], [15, 22]]: each row's softmax is [1, e³] and [1, e⁷], normalised
  const row = (d: number) => [1 / (1 + Math.exp(d)), Math.exp(d) / (1 + Math.exp(d))];
  expectClose(values, [...row(3), ...row(7)], { atol: 1e-6, rtol: 1e-5 });
});
