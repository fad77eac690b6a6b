/**
 * The real-GPU benchmark of the WebGPU backend, built into one self-contained bundle by
 * `bench/gpu/build.sh` (it runs where there is no Node.js and no network). It prints and saves:
 * f32 GEMM GFLOP/s at 1024² and 4096² (both matmul kernels), and the training-step time (forward, cross-entropy over
 * the tied 30522-class head, backward, AdamW on every parameter) of bert-tiny, bert-mini and
 * bert-base shapes at batch 32 × 128, each next to the PyTorch-on-CUDA figures issue 13 gives
 * for an NVIDIA H200 (fp32, no TF32). It also counts the dispatches of each step and compares the
 * bert-tiny step with and without issue 13's fused backward kernels, interleaved.
 *
 * `GRAFT_GPU_TINY=1` (or `--tiny`) shrinks every size so the whole pipeline runs on a software
 * adapter (lavapipe) in a minute: the figures then mean nothing, only that it all works.
 * `GRAFT_GPU_OUT` names the JSON file (default `graft-gpu-results.json` in the working directory).
 * From source: `node --conditions=@graft/source --import tsx bench/gpu/bench.ts [--tiny]`.
 */
import { writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg } from 'node:os';
import { create, globals } from 'webgpu';
import * as g from '@graft/core';
import { registerWebGPU } from '@graft/core/webgpu';
import { BERT_BASE_SHAPE, BERT_MINI_SHAPE, BERT_TINY_SHAPE, type BertShape, bertStep } from '../webgpu/bert-step';
import { countStep } from '../webgpu/count-step';
import { registerBeforeFusion } from '../webgpu/before-fusion';
import { table, time } from '../harness';

const tiny = process.env.GRAFT_GPU_TINY === '1' || process.argv.includes('--tiny');
const out = process.env.GRAFT_GPU_OUT ?? 'graft-gpu-results.json';

/** PyTorch 2.11 on CUDA, fp32 without TF32, on an NVIDIA H200 (issue 13). */
const TORCH_H200 = { sgemm4096TFlops: 51, stepMs: { 'bert-tiny': 6.9, 'bert-mini': 9.3, 'bert-base': 58.6 } as Record<string, number> };

Object.assign(globalThis, globals);
const gpu = create([]);
const backend = (await registerWebGPU({ required: true, gpu }))!;
const info = backend.gpu.adapterInfo;
const adapter = `${info.vendor} ${info.architecture} ${info.description || info.device}`.trim();
console.log(`adapter: ${adapter}; features: ${[...backend.gpu.device.features].sort().join(', ')}`);
console.log(
  `host: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, load average ${loadavg()[0].toFixed(1)}, Node ${process.version}${tiny ? '; TINY sizes (a smoke run)' : ''}`,
);

const rows: Record<string, string | number>[] = [];
const results: Record<string, unknown> = { adapter: info, features: [...backend.gpu.device.features], tiny, host: hostname() };
let failed = false;

// ---- GEMM: `reps` products per timed call, read once, so it measures throughput; both kernels ----
console.log(`matmul kernel chosen for this adapter: ${backend.matmul}`);
const kernels = ['tiled', 'rows'] as const;
for (const kind of kernels) await registerWebGPU({ required: true, gpu, name: `webgpu-${kind}`, priority: 0, matmul: kind });
for (const [n, kind] of (tiny ? [128, 256] : [1024, 4096]).flatMap((n) => kernels.map((k) => [n, k] as const))) {
  const device = `webgpu-${kind}`;
  const gen = new g.Generator(n);
  const a = gen.normal(n * n, 'float32');
  const b = gen.normal(n * n, 'float32');
  const ga = g.tensor(a, { shape: [n, n], device });
  const gb = g.tensor(b, { shape: [n, n], device });
  const reps = n >= 4096 ? 8 : 32;
  const run = async () => {
    const outs = g.scope(() => Array.from({ length: reps }, () => g.matmul(ga, gb).keep()));
    const data = (await outs[reps - 1].data()) as Float32Array;
    for (const t of outs) t.dispose();
    return data;
  };
  // 64 entries checked against float64 dot products on the host
  const c = await run();
  let worst = 0;
  for (let s = 0; s < 64; s++) {
    const [i, j] = [(s * 7919) % n, (s * 104729) % n];
    let want = 0;
    for (let k = 0; k < n; k++) want += a[i * n + k] * b[k * n + j];
    worst = Math.max(worst, Math.abs(c[i * n + j] - want) / Math.sqrt(n));
  }
  if (!(worst < 1e-3)) {
    console.error(`GEMM ${n} (${kind}): wrong result (max |error| / √n = ${worst})`);
    failed = true;
  }
  const t = await time(run, { warmup: 1, minRuns: 3, minTime: tiny ? 0.2 : 2 });
  const gflops = (2 * n ** 3 * reps) / t.median / 1e9;
  rows.push({
    case: `f32 GEMM ${n}×${n}×${n} (${kind}${kind === backend.matmul ? ', chosen' : ''})`,
    graft: `${gflops.toFixed(1)} GFLOP/s`,
    'torch H200': n === 4096 ? `${TORCH_H200.sgemm4096TFlops * 1000} GFLOP/s` : '',
    'graft / torch': n === 4096 ? (gflops / (TORCH_H200.sgemm4096TFlops * 1000)).toFixed(3) : '',
    dispatches: `${reps} per read`,
  });
  results[`gemm${n}-${kind}`] = { gflops, timing: t, reps, maxScaledError: worst };
  ga.dispose();
  gb.dispose();
}

// ---- training steps ----
const shrink = (s: BertShape): BertShape => ({ ...s, vocab: 2048, layers: Math.min(s.layers, 2) });
const models: [string, BertShape][] = [
  ['bert-tiny', BERT_TINY_SHAPE],
  ['bert-mini', BERT_MINI_SHAPE],
  ['bert-base', BERT_BASE_SHAPE],
];
const [batch, seq] = tiny ? [2, 16] : [32, 128];
for (const [name, full] of models) {
  const shape = tiny ? shrink(full) : full;
  const step = bertStep(shape, 'webgpu', batch, seq);
  const first = await step.step();
  if (!Number.isFinite(first)) {
    console.error(`${name}: the first loss is ${first}`);
    failed = true;
  }
  const t = await time(() => step.step(), { warmup: 1, minRuns: tiny ? 2 : 5, minTime: tiny ? 0.2 : 3 });
  const counts = await countStep(backend, batch, seq, shape);
  const ms = t.median * 1000;
  const ref = TORCH_H200.stepMs[name];
  rows.push({
    case: `${name} step (${batch}×${seq}, ${(step.parameters / 1e6).toFixed(1)}M params)`,
    graft: `${ms.toFixed(1)} ms`,
    'torch H200': `${ref} ms`,
    'graft / torch': (ref / ms).toFixed(3),
    dispatches: counts.dispatches,
  });
  results[name] = { shape, batch, seq, parameters: step.parameters, firstLoss: first, stepMs: ms, timing: t, counts };
  step.dispose();
}

// ---- issue 13's fused backward kernels, on and off, interleaved (bert-tiny) ----
{
  const before = await registerBeforeFusion(gpu);
  const shape = tiny ? shrink(BERT_TINY_SHAPE) : BERT_TINY_SHAPE;
  const steps = [bertStep(shape, 'webgpu', batch, seq), bertStep(shape, 'webgpu-before', batch, seq)];
  for (const s of steps) await s.step();
  const ms: number[][] = [[], []];
  for (let r = 0; r < (tiny ? 3 : 15); r++) {
    for (const i of r % 2 ? [1, 0] : [0, 1]) {
      const t0 = performance.now();
      await steps[i].step();
      ms[i].push(performance.now() - t0);
    }
  }
  const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];
  const [after, prior] = ms.map(median);
  const dispatches = [(await countStep(backend, batch, seq, shape)).dispatches, (await countStep(before, batch, seq, shape)).dispatches];
  rows.push({
    case: `bert-tiny step without issue 13's fusion`,
    graft: `${prior.toFixed(1)} ms (with: ${after.toFixed(1)} ms)`,
    'torch H200': '',
    'graft / torch': '',
    dispatches: `${dispatches[1]} (with: ${dispatches[0]})`,
  });
  results.fusion = { afterMs: ms[0], beforeMs: ms[1], dispatches: { after: dispatches[0], before: dispatches[1] } };
  for (const s of steps) s.dispose();
}

table(rows);
console.log('graft / torch: throughput of graft over PyTorch 2.11 CUDA fp32 on an H200 (issue 13), above 1 is faster');
writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), loadAverage: loadavg(), node: process.version, rows, results }, null, 2)}\n`);
console.log(`results written to ${out}`);
process.exit(failed ? 1 : 0);
