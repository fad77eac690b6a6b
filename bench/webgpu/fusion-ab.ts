/**
 * The effect of issue 13's WebGPU fusion, same process, interleaved: two backends on the same
 * adapter, `webgpu` as built and `webgpu-before` without the fused backward kernels (GELU,
 * layerNorm, softmax, logSoftmax, whose gradients then come from differentiating the composites)
 * and without lazy elementwise fusion (before-fusion.ts). Each round times one bert-tiny training
 * step and one chain of 200 `add(x, 1)` on [256] (read once) on each, alternating which goes
 * first; prints the medians, their ratios, the dispatches of each and the load average.
 * `nice node --conditions=@graft/source --import tsx bench/webgpu/fusion-ab.ts [batch] [seq] [rounds]`
 */
import { loadavg } from 'node:os';
import { create, globals } from 'webgpu';
import * as g from '@graft/core';
import { registerWebGPU } from '@graft/core/webgpu';
import type { WebGPUBackend } from '@graft/core/webgpu';
import { registerBeforeFusion } from './before-fusion';
import { BERT_TINY_SHAPE, bertStep } from './bert-step';
import { countStep, type StepCounts } from './count-step';

Object.assign(globalThis, globals);
const gpu = create([]);
const after = (await registerWebGPU({ required: true, gpu }))!;
const before = await registerBeforeFusion(gpu);

const [batch, seq, rounds] = [Number(process.argv[2] ?? 2), Number(process.argv[3] ?? 16), Number(process.argv[4] ?? 15)];
const variants: [string, WebGPUBackend][] = [
  ['after', after],
  ['before', before],
];
const steps = variants.map(([, b]) => bertStep(BERT_TINY_SHAPE, b.name, batch, seq));
const losses = await Promise.all(steps.map((s) => s.step()));
if (Math.abs(losses[0] - losses[1]) > 1e-3 * Math.abs(losses[1])) {
  console.error(`the first losses differ: ${losses.join(' vs ')}`);
  process.exit(1);
}
const times: number[][] = [[], []];
const load0 = loadavg()[0];
for (let r = 0; r < rounds; r++) {
  for (const i of r % 2 ? [1, 0] : [0, 1]) {
    const t0 = performance.now();
    await steps[i].step();
    times[i].push(performance.now() - t0);
  }
}
// the dispatch-overhead case of the webgpu suite: 200 chained small adds, read once
const chains = variants.map(([, b]) => {
  const x = g.ones([256], { device: b.name });
  return async () => {
    const y = g.scope(() => {
      let v = x;
      for (let i = 0; i < 200; i++) v = g.add(v, 1);
      return v;
    });
    await y.data();
    y.dispose();
  };
});
const chainTimes: number[][] = [[], []];
const chainDispatches = [0, 0];
for (const c of chains) await c();
for (let r = 0; r < rounds * 4; r++) {
  for (const i of r % 2 ? [1, 0] : [0, 1]) {
    const d0 = variants[i][1].stats().dispatches;
    const t0 = performance.now();
    await chains[i]();
    chainTimes[i].push(performance.now() - t0);
    chainDispatches[i] = variants[i][1].stats().dispatches - d0;
  }
}
const load1 = loadavg()[0];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const [ma, mb] = times.map(median);
const counts: StepCounts[] = [];
for (const [, b] of variants) counts.push(await countStep(b, batch, seq));
console.log(`bert-tiny step, batch ${batch} × seq ${seq}, ${rounds} interleaved rounds, load average ${load0.toFixed(1)} → ${load1.toFixed(1)}`);
variants.forEach(([name], i) =>
  console.log(`  ${name.padEnd(6)} median ${[ma, mb][i].toFixed(1)} ms  (${counts[i].dispatches} dispatches, ${counts[i].submits} submits)`),
);
console.log(`  before / after: ${(mb / ma).toFixed(3)}`);
const [ca, cb] = chainTimes.map(median);
console.log(`200 chained add(x, 1) on [256], read once, ${rounds * 4} interleaved rounds:`);
console.log(`  after  median ${ca.toFixed(2)} ms, ${(200 / ca).toFixed(1)}k ops/s (${chainDispatches[0]} dispatches)`);
console.log(`  before median ${cb.toFixed(2)} ms, ${(200 / cb).toFixed(1)}k ops/s (${chainDispatches[1]} dispatches)`);
console.log(`  before / after: ${(cb / ca).toFixed(3)}`);
process.exit(0);
