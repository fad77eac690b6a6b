/**
 * Importing @graft/core does no work: in a fresh Node process that counts what it watches
 * (WebAssembly compiles, memories and instances and worker threads made by core's code, reads
 * of GRAFT_* environment variables, console output), the import leaves every count at zero and the CPU backend unstarted, as the
 * registry and cpuInfo() report. The first op then starts the backend, which shows the counters
 * see what they should.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

// runs in the child, before and after `import('@graft/core')`
const CHILD = `
const seen = { compile: 0, memory: 0, instance: 0, workers: 0, console: 0, env: [] };
// the loader (tsx) compiles WebAssembly of its own: count only what @graft/core's code does
const ours = () => new Error().stack.includes('/packages/core/src/');
const count = (k) => { if (ours()) seen[k]++; };
const W = WebAssembly;
W.Module = new Proxy(W.Module, { construct: (t, a, n) => (count('compile'), Reflect.construct(t, a, n)) });
W.Memory = new Proxy(W.Memory, { construct: (t, a, n) => (count('memory'), Reflect.construct(t, a, n)) });
W.Instance = new Proxy(W.Instance, { construct: (t, a, n) => (count('instance'), Reflect.construct(t, a, n)) });
for (const k of ['compile', 'instantiate']) { const f = W[k]; W[k] = (...a) => (count('compile'), f.apply(W, a)); }
const wt = process.getBuiltinModule('node:worker_threads');
wt.Worker = new Proxy(wt.Worker, { construct: (t, a, n) => (count('workers'), Reflect.construct(t, a, n)) });
for (const k of ['log', 'info', 'warn', 'error', 'debug']) console[k] = () => seen.console++;
process.env = new Proxy(process.env, { get: (t, p) => (typeof p === 'string' && p.startsWith('GRAFT_') && seen.env.push(p), Reflect.get(t, p)) });

const core = await import('@graft/core');
const afterImport = structuredClone(seen);
const registry = { names: core.backends.names(), started: core.backends.isStarted('cpu') };
const info = core.cpuInfo();
const memory = core.memory();
core.setCpuThreads(2); // configuring before the start starts nothing either
const afterSettings = { started: core.backends.isStarted('cpu'), compile: seen.compile };

const y = core.tensor([1, 2, 3]).add(1);
const values = Array.from(y.dataSync());
process.stdout.write(JSON.stringify({ afterImport, registry, info, memory, afterSettings, afterUse: { ...seen, started: core.backends.isStarted('cpu'), info: core.cpuInfo(), values } }));
`;

function runChild(env: Record<string, string | undefined>) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@graft/source', '--input-type=module', '-e', CHILD], {
    cwd: packageRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`child process failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('importing @graft/core', () => {
  it.each([['wasm'], ['scalar']] as const)(
    'does nothing until the first op (GRAFT_CPU_KERNELS=%s)',
    (mode) => {
      const r = runChild({ GRAFT_CPU_KERNELS: mode, GRAFT_CPU_THREADS: undefined });
      expect(r.afterImport).toEqual({ compile: 0, memory: 0, instance: 0, workers: 0, console: 0, env: [] });
      expect(r.registry).toEqual({ names: ['cpu'], started: false });
      expect(r.info).toMatchObject({ started: false, simd: false, heapBytes: 0, workersReady: 0 });
      expect(r.memory).toEqual({ tensors: 0, devices: {} });
      expect(r.afterSettings).toEqual({ started: false, compile: 0 });

      // the first op starts the backend, reading its settings from the environment then
      expect(r.afterUse.started).toBe(true);
      expect(r.afterUse.values).toEqual([2, 3, 4]);
      expect(r.afterUse.env).toContain('GRAFT_CPU_KERNELS');
      expect(r.afterUse.info).toMatchObject({ started: true, kernels: mode, simd: mode === 'wasm' });
      if (mode === 'wasm') expect(r.afterUse.compile).toBeGreaterThan(0);
      else expect(r.afterUse.compile).toBe(0);
    },
    60_000,
  );
});
