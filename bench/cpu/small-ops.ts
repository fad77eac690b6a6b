/**
 * Elementwise add and row softmax on the CPU backend against tfjs-wasm (XNNPACK, one thread in
 * Node), across sizes, to split a per-call cost from per-element throughput: at 2^10 elements a
 * call is almost all overhead, at 2^20 almost all work. Graft runs on one thread here, as
 * tfjs-wasm does, so the ratio compares kernels rather than core counts. Each figure is the
 * median CPU time per call (process CPU, less moved by other processes' load than wall time) over
 * interleaved rounds, each call reading its result back (`dataSync`) as the core-cpu suite does;
 * "no readback" runs the op alone and frees it.
 *
 *   nice node --conditions=@graft/source --import tsx bench/cpu/small-ops.ts [rounds]
 */
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as g from '@graft/core';
import { table } from '../harness';

const rounds = Number(process.argv[2] ?? 5);

/** Median CPU microseconds per call of `fn`, over `calls` calls after a warm-up. */
function cpuPerCall(fn: () => void, calls: number): number {
  fn();
  const c0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / calls;
}

async function main() {
  const require = createRequire(import.meta.url);
  setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to initialise');
  await g.initCpu({ threads: 1 });
  const rows: Record<string, string | number>[] = [];
  for (const log2 of [10, 14, 17, 20]) {
    const n = 2 ** log2;
    const cols = Math.min(1024, n);
    const gen = new g.Generator(log2);
    const [a, b] = [g.randn([n / cols, cols], { generator: gen }).keep(), g.randn([n / cols, cols], { generator: gen }).keep()];
    const [ta, tb] = [tf.tensor2d(a.dataSync() as Float32Array, [n / cols, cols]), tf.tensor2d(b.dataSync() as Float32Array, [n / cols, cols])];
    const calls = Math.max(5, Math.min(2000, Math.floor(2 ** 24 / n)));
    const cases = {
      'add, readback': [() => g.scope(() => void g.add(a, b).dataSync()), () => tf.tidy(() => void tf.add(ta, tb).dataSync())],
      'add, no readback': [() => g.add(a, b).dispose(), () => tf.add(ta, tb).dispose()],
      'softmax, readback': [() => g.scope(() => void g.softmax(a, -1).dataSync()), () => tf.tidy(() => void tf.softmax(ta, -1).dataSync())],
      'softmax, no readback': [() => g.softmax(a, -1).dispose(), () => tf.softmax(ta, -1).dispose()],
    } as const;
    for (const [name, [graft, tfjs]] of Object.entries(cases)) {
      const samples: { graft: number[]; tfjs: number[] } = { graft: [], tfjs: [] };
      for (let r = 0; r < rounds; r++) {
        samples.graft.push(cpuPerCall(graft, calls));
        samples.tfjs.push(cpuPerCall(tfjs, calls));
      }
      const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
      const [gu, tu] = [med(samples.graft), med(samples.tfjs)];
      rows.push({
        case: name,
        elements: `2^${log2}`,
        'graft us': gu,
        'tfjs-wasm us': tu,
        'graft Melem/s': n / gu,
        'tfjs Melem/s': n / tu,
        'graft / tfjs-wasm': tu / gu,
      });
    }
    tf.dispose([ta, tb]);
    a.dispose();
    b.dispose();
  }
  console.log(
    `graft (1 thread) vs tfjs-wasm ${tf.version_core}, CPU time per call, medians of ${rounds} interleaved rounds; load average ${loadavg()[0].toFixed(1)}`,
  );
  table(rows);
}

await main();
