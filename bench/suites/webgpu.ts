/**
 * The @graft/core WebGPU backend against TensorFlow.js 4.22's WebGPU backend on the same adapter
 * in the same run (Dawn through the `webgpu` package; Mesa lavapipe on machines without a GPU):
 * f32 GEMM throughput, dispatch overhead (small ops per second), and a bert-tiny-shaped training
 * step (graft webgpu against graft cpu). Every timed call ends with reading a result back, so the
 * asynchronous GPU work is counted. Matmul results of both engines are compared, and a
 * disagreement makes the suite exit non-zero so a ratio never comes from different work.
 */
import { create, globals } from 'webgpu';
import * as tf from '@tensorflow/tfjs-core';
import * as g from '@graft/core';
import { registerWebGPU } from '@graft/core/webgpu';
import { BERT_TINY_SHAPE, bertStep } from '../webgpu/bert-step';
import { countStep } from '../webgpu/count-step';
import { machine, saveResults, table, time } from '../harness';

// tfjs-webgpu looks for navigator.gpu and the GPU* globals; graft then finds the same GPU object
Object.assign(globalThis, globals);
const gpu = create([]);
(globalThis as { navigator?: unknown }).navigator = { gpu, userAgent: 'node' };
await import('@tensorflow/tfjs-backend-webgpu');
await tf.setBackend('webgpu');
await tf.ready();
const backend = await registerWebGPU({ required: true, gpu });
const info = backend!.gpu.adapterInfo;
console.log(`adapter: ${info.vendor} ${info.architecture} ${info.description || info.device} (${machine().cpu}, ${machine().cores} cores)`);

const quick = process.env.GRAFT_BENCH_QUICK === '1';
const rows: Record<string, string | number>[] = [];
const results: Record<string, unknown> = {};
let failed = false;

// ---- GEMM ----
for (const n of quick ? [128] : [128, 256, 512]) {
  const gen = new g.Generator(n);
  const a = Float32Array.from(gen.normal(n * n, 'float32'));
  const b = Float32Array.from(gen.normal(n * n, 'float32'));
  const ga = g.tensor(a, { shape: [n, n], device: 'webgpu' });
  const gb = g.tensor(b, { shape: [n, n], device: 'webgpu' });
  const ta = tf.tensor2d(a, [n, n]);
  const tb = tf.tensor2d(b, [n, n]);
  const reps = n <= 256 ? 8 : 2;
  // `reps` products per timed call, read once: GPU throughput rather than one readback's latency
  const graftRun = async () => {
    const outs = g.scope(() => Array.from({ length: reps }, () => g.matmul(ga, gb).keep()));
    const data = await outs[reps - 1].data();
    outs.forEach((t) => t.dispose());
    return data as Float32Array;
  };
  const tfRun = async () => {
    const outs = Array.from({ length: reps }, () => tf.matMul(ta, tb));
    const data = await outs[reps - 1].data();
    outs.forEach((t) => t.dispose());
    return data as Float32Array;
  };
  const [x, y] = [await graftRun(), await tfRun()];
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff = Math.max(diff, Math.abs(x[i] - y[i]));
  if (!(diff < 1e-3 * Math.sqrt(n))) {
    console.error(`GEMM ${n}: graft and tfjs-webgpu disagree (max |diff| ${diff})`);
    failed = true;
  }
  const opts = { warmup: 1, minRuns: 3, minTime: quick ? 0.2 : 1 };
  const tg = await time(graftRun, opts);
  const tt = await time(tfRun, opts);
  const flops = (2 * n * n * n * reps) / 1e9;
  rows.push({ case: `GEMM ${n}x${n}x${n}`, unit: 'GFLOP/s', graft: flops / tg.median, 'tfjs-webgpu': flops / tt.median, ratio: tt.median / tg.median });
  results[`gemm${n}`] = { graft: tg, tfjs: tt, maxAbsDiff: diff };
  for (const t of [ga, gb]) t.dispose();
  tf.dispose([ta, tb]);
}

// ---- dispatch overhead: a chain of small elementwise ops, read once ----
{
  const chain = 200;
  const gx = g.ones([256], { device: 'webgpu' });
  const tx = tf.ones([256]);
  const graftRun = async () => {
    const y = g.scope(() => {
      let v = gx;
      for (let i = 0; i < chain; i++) v = g.add(v, 1);
      return v;
    });
    await y.data();
    y.dispose();
  };
  const tfRun = async () => {
    const y = tf.tidy(() => {
      let v = tx;
      for (let i = 0; i < chain; i++) v = tf.add(v, 1);
      return v;
    });
    await y.data();
    y.dispose();
  };
  const opts = { warmup: 2, minRuns: 3, minTime: quick ? 0.2 : 1 };
  const tg = await time(graftRun, opts);
  const tt = await time(tfRun, opts);
  rows.push({
    case: `${chain} chained adds on [256]`,
    unit: 'ops/s',
    graft: chain / tg.median,
    'tfjs-webgpu': chain / tt.median,
    ratio: tt.median / tg.median,
  });
  results.dispatch = { chain, graft: tg, tfjs: tt };
  gx.dispose();
  tx.dispose();
}

// ---- bert-tiny-shaped training step: graft webgpu against graft cpu ----
{
  const [batch, seq] = quick ? [1, 8] : [2, 16];
  const onGpu = bertStep(BERT_TINY_SHAPE, 'webgpu', batch, seq);
  const onCpu = bertStep(BERT_TINY_SHAPE, 'cpu', batch, seq);
  const [l0g, l0c] = [await onGpu.step(), await onCpu.step()];
  if (!(Math.abs(l0g - l0c) < 1e-3 * Math.abs(l0c))) {
    console.error(`bert-tiny step: webgpu loss ${l0g} differs from cpu loss ${l0c}`);
    failed = true;
  }
  const opts = { warmup: 1, minRuns: 3, minTime: quick ? 0.5 : 3 };
  const tg = await time(() => onGpu.step(), opts);
  const tc = await time(() => onCpu.step(), opts);
  rows.push({
    case: `bert-tiny step (batch ${batch}, seq ${seq}, ${(onGpu.parameters / 1e6).toFixed(1)}M params)`,
    unit: 'steps/s',
    graft: 1 / tg.median,
    'graft-cpu': 1 / tc.median,
    ratio: tc.median / tg.median,
  });
  results.bertTiny = { batch, seq, webgpu: tg, cpu: tc, firstLoss: { webgpu: l0g, cpu: l0c } };
  // load-independent: what fusion changes (bench/webgpu/dispatch-count.ts breaks it down by op)
  const counts = await countStep(backend!, batch, seq);
  console.log(`bert-tiny step: ${counts.dispatches} dispatches, ${counts.submits} submits`);
  results.bertTinyCounts = counts;
}

table(rows);
console.log('ratio: throughput of graft webgpu over the reference column (above 1: graft webgpu is faster)');
const stats = backend!.stats();
console.log(
  `pipelines compiled: ${stats.compiled}, dispatches: ${stats.dispatches}, submits: ${stats.submits}, bind groups: ${stats.bindGroups.hits} hits / ${stats.bindGroups.misses} misses`,
);
saveResults('webgpu', { adapter: info, rows, results });
process.exit(failed ? 1 : 0);
