/**
 * A workload for profiling the WebGPU backend's host-side cost, not a benchmark with a reference:
 * `node --cpu-prof --conditions=@graft/source --import tsx bench/webgpu/profile.ts chain|bert [seconds]`.
 * `chain` runs 200 chained `add(x, 1)` on [256] per readback (the dispatch-overhead case of the
 * webgpu suite); `bert` runs the bert-tiny-shaped training step. Prints the rate and the
 * backend's counters, so a profile can be read next to dispatches and submits per iteration.
 */
import { create, globals } from 'webgpu';
import * as g from '@graft/core';
import { registerWebGPU } from '@graft/core/webgpu';
import { BERT_TINY_SHAPE, bertStep } from './bert-step';

Object.assign(globalThis, globals);
const backend = (await registerWebGPU({
  required: true,
  gpu: create([]),
  ...(process.env.GRAFT_SUBMIT_EVERY ? { submitEvery: Number(process.env.GRAFT_SUBMIT_EVERY) } : {}),
}))!;
const which = process.argv[2] ?? 'chain';
const seconds = Number(process.argv[3] ?? 5);

async function loop(label: string, perIter: number, body: () => Promise<void>) {
  for (let i = 0; i < 2; i++) await body();
  const before = backend.stats();
  const t0 = performance.now();
  let iters = 0;
  while (performance.now() - t0 < seconds * 1000) {
    await body();
    iters++;
  }
  const dt = (performance.now() - t0) / 1000;
  const after = backend.stats();
  console.log(
    `${label}: ${(iters / dt).toFixed(2)} iter/s, ${((iters * perIter) / dt).toFixed(0)} ops/s; per iter ${((after.dispatches - before.dispatches) / iters).toFixed(1)} dispatches, ${((after.submits - before.submits) / iters).toFixed(1)} submits; buffers created ${after.pool.created}; bind groups ${JSON.stringify(after.bindGroups)}`,
  );
}

if (which === 'chain') {
  const x = g.ones([256], { device: 'webgpu' });
  await loop('200 chained adds', 200, async () => {
    const y = g.scope(() => {
      let v = x;
      for (let i = 0; i < 200; i++) v = g.add(v, 1);
      return v;
    });
    await y.data();
    y.dispose();
  });
} else if (which === 'bert') {
  const step = bertStep(BERT_TINY_SHAPE, 'webgpu', 2, 16);
  await loop('bert-tiny step (2×16)', 1, async () => {
    await step.step();
  });
} else {
  console.error(`profile: unknown workload '${which}' (chain | bert)`);
  process.exit(2);
}
process.exit(0);
