/**
 * The @graft/core CPU backend (WASM SIMD kernels, all cores) against TensorFlow.js 4.22
 * (`tfjs-backend-cpu`, plain JS, and `tfjs-backend-wasm`, XNNPACK with SIMD, one thread in Node)
 * and, when installed, PyTorch (Debian's python3-torch on OpenBLAS, same thread count), measured
 * in the same run: f32 GEMM at square sizes and at the BERT-base shapes, elementwise ops and
 * reductions, and a full bert-tiny training step (forward, cross-entropy, backward, AdamW).
 *
 * Every timed call includes reading the result back (`dataSync`), so lazy or asynchronous work is
 * counted; every call releases what it made (graft `scope`, `tf.tidy`), and live-tensor counts are
 * checked after each case. Results of each engine are compared with graft's (max abs diff), and a
 * disagreement makes the suite exit non-zero so a ratio can never come from different work.
 * Ratios are throughput ratios: above 1 means graft is faster.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import {
  Generator,
  add,
  div,
  initCpu,
  exp,
  log,
  lt,
  matmul,
  max,
  maximum,
  memory,
  mul,
  randn,
  scope,
  softmax,
  sub,
  sum,
  tanh,
  tensor,
  where,
  type Tensor,
} from '@graft/core';
import { BERT_TINY, bertTrainer } from '../cpu/bert-step';
import { runTorch, type TorchResults } from '../cpu/torch';
import { machine, saveResults, table, time, type Timing } from '../harness';

const ENGINES = ['graft', 'tfjs-cpu', 'tfjs-wasm'] as const;
type Engine = (typeof ENGINES)[number];

interface Input {
  shape: number[];
  data: Float32Array;
}

interface Case {
  group: 'matmul' | 'elementwise' | 'reduction';
  name: string;
  size: string;
  unit: 'GFLOP/s' | 'Melem/s';
  /** Floating-point operations (matmul) or input elements (the rest) of one call. */
  work: number;
  inputs: Input[];
  graft: (xs: Tensor[]) => Tensor;
  tfjs: (xs: tf.Tensor[]) => tf.Tensor;
  /** Harness options; large sizes get fewer repetitions. */
  timing: { minRuns: number; minTime: number };
  /** GEMM shape [M, K, N], also timed in PyTorch. */
  gemm?: [number, number, number];
  /** tfjs-cpu is skipped where it would take minutes (0.5 GFLOP/s on large GEMMs). */
  skipTfjsCpu?: boolean;
}

interface Measured {
  timing: Timing;
  out: Float32Array;
  /** Live tensors after the case minus before it (0 when memory stays flat). */
  leaked: number;
}

const gen = new Generator(20240601);

/** Standard-normal float32 data from graft's seeded generator, shared by all engines. */
function normal(shape: number[]): Input {
  const t = randn(shape, { generator: gen });
  const data = t.dataSync() as Float32Array;
  t.dispose();
  return { shape, data };
}

function matmulCase(m: number, k: number, n: number, name = 'matmul f32'): Case {
  const work = 2 * m * k * n;
  return {
    group: 'matmul',
    name,
    size: `${m}x${k}x${n}`,
    unit: 'GFLOP/s',
    work,
    inputs: [normal([m, k]), normal([k, n])],
    graft: ([a, b]) => matmul(a, b),
    tfjs: ([a, b]) => tf.matMul(a, b),
    timing: work >= 2e9 ? { minRuns: 3, minTime: 0 } : { minRuns: 3, minTime: 1 },
    gemm: [m, k, n],
    skipTfjsCpu: work > 3e8,
  };
}

/** BERT-base's GEMMs at batch·seq = 4096 tokens: attention projections, FFN in and out. */
const BERT_SHAPES: [number, number, number][] = [
  [4096, 128, 128],
  [4096, 128, 512],
  [4096, 512, 128],
  [4096, 256, 1024],
  [4096, 768, 3072],
];

const M = 1 << 20;
const quick = { minRuns: 5, minTime: 1 };
const CASES: Case[] = [
  ...[256, 512, 1024, 2048].map((n) => matmulCase(n, n, n)),
  ...BERT_SHAPES.map(([m, k, n]) => matmulCase(m, k, n, 'matmul BERT')),
  {
    group: 'elementwise',
    name: 'add',
    size: '2^20',
    unit: 'Melem/s',
    work: M,
    inputs: [normal([M]), normal([M])],
    graft: ([a, b]) => add(a, b),
    tfjs: ([a, b]) => tf.add(a, b),
    timing: quick,
  },
  {
    group: 'elementwise',
    name: 'add, row broadcast',
    size: '1024x1024 + 1024',
    unit: 'Melem/s',
    work: M,
    inputs: [normal([1024, 1024]), normal([1024])],
    graft: ([a, b]) => add(a, b),
    tfjs: ([a, b]) => tf.add(a, b),
    timing: quick,
  },
  {
    group: 'elementwise',
    name: 'exp',
    size: '2^20',
    unit: 'Melem/s',
    work: M,
    inputs: [normal([M])],
    graft: ([x]) => exp(x),
    tfjs: ([x]) => tf.exp(x),
    timing: quick,
  },
  {
    group: 'reduction',
    name: 'sum, last axis',
    size: '1024x1024',
    unit: 'Melem/s',
    work: M,
    inputs: [normal([1024, 1024])],
    graft: ([x]) => sum(x, -1),
    tfjs: ([x]) => tf.sum(x, -1),
    timing: quick,
  },
  {
    group: 'reduction',
    name: 'softmax, rows',
    size: '1024x1024',
    unit: 'Melem/s',
    work: M,
    inputs: [normal([1024, 1024])],
    graft: ([x]) => softmax(x, -1),
    tfjs: ([x]) => tf.softmax(x, -1),
    timing: quick,
  },
];

/**
 * Runs a small mix of ops, dtypes and layouts through graft's kernels before anything is timed.
 * The CPU kernels call a per-op scalar function for every element through one shared call site,
 * so a fresh process that has only ever run `add` gets an inlined, monomorphic loop that no real
 * program (which also runs sub, mul, div, exp, comparisons, int32 and bool tensors, transposed
 * views) keeps. Measured here, `add` over 2^20 elements is several times faster in that state;
 * the figures below are those of a program that uses many ops.
 */
function warmGraftKernels() {
  const g = new Generator(7);
  scope(() => {
    const a = randn([16, 16], { generator: g });
    const b = randn([16, 16], { generator: g });
    const ids = tensor([0, 1, 2, 3], { dtype: 'int32' });
    for (let i = 0; i < 100; i++) {
      scope(() => {
        // each kernel loop (dense, scalar-broadcast, strided) is its own call site: feed them all
        for (const other of [b, b.transpose(0, 1), 2]) {
          for (const op of [add, sub, mul, div, maximum, lt]) op(a, other).dataSync();
        }
        for (const t of [exp(a), log(a.abs()), tanh(a), a.relu(), exp(a.transpose(0, 1)), where(lt(a, b), a, b)]) t.dataSync();
        add(ids, 1).dataSync();
        matmul(a, b.transpose(0, 1)).dataSync();
        sum(a, 0).dataSync();
        max(a, -1).dataSync();
        softmax(a, -1).dataSync();
      });
    }
  });
}

async function runGraft(c: Case): Promise<Measured> {
  const before = memory().tensors;
  const xs = c.inputs.map((i) => tensor(i.data, { shape: i.shape, dtype: 'float32' }));
  const call = () => scope(() => c.graft(xs).dataSync() as Float32Array);
  const out = call(); // also the warm-up
  const timing = await time(call, { warmup: 0, ...c.timing });
  for (const x of xs) x.dispose();
  return { timing, out, leaked: memory().tensors - before };
}

async function runTfjs(c: Case, backend: 'cpu' | 'wasm'): Promise<Measured> {
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend '${backend}' failed to initialise`);
  const before = tf.memory().numTensors;
  const xs = c.inputs.map((i) => tf.tensor(i.data, i.shape, 'float32'));
  // dataSync inside tidy, but the array is not returned from it: tidy walks whatever its function
  // returns looking for tensors, and walking a million-element array would be timed as tfjs's work
  const call = () => {
    let out: Float32Array | undefined;
    tf.tidy(() => {
      out = c.tfjs(xs).dataSync() as Float32Array;
    });
    return out as Float32Array;
  };
  const out = call();
  const timing = await time(call, { warmup: 0, ...c.timing });
  tf.dispose(xs);
  return { timing, out, leaked: tf.memory().numTensors - before };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]);
    if (!(e <= d)) d = e; // NaN wins
  }
  return d;
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

const fmtDiff = (d: number) => (d === 0 ? '0' : d.toExponential(1));

/** Median seconds per step of the graft bert-tiny step, after one warm-up step. */
function graftBert(batch: number, seq: number, steps: number) {
  const trainer = bertTrainer(BERT_TINY, batch, seq);
  const before = memory().tensors;
  const losses = [trainer.step()];
  const samples: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    losses.push(trainer.step());
    samples.push((performance.now() - t0) / 1000);
  }
  const median = [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];
  return { median, samples, parameters: trainer.parameters, firstLoss: losses[0], lastLoss: losses[losses.length - 1], leaked: memory().tensors - before };
}

async function main() {
  const require = createRequire(import.meta.url);
  // the .wasm files sit next to the package's Node entry, in dist/
  setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to initialise');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  const m = machine();
  const info = await initCpu();
  const loadBefore = loadavg()[0];
  console.log(`${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB, Node ${m.node}; tfjs ${tf.version_core}, wasm SIMD ${simd}, wasm threads ${threads}`);
  console.log(`graft: CPU backend, ${info.kernels} kernels, ${info.threads} thread(s), shared heap ${info.sharedMemory}.`);

  const bertRun = { ...BERT_TINY, batch: 32, seq: 128, steps: 5 };
  const torch: TorchResults | null = runTorch({ threads: info.threads, gemm: CASES.flatMap((c) => (c.gemm ? [c.gemm] : [])), minTime: 1, bert: bertRun });
  if (torch) console.log(`PyTorch ${torch.torch} (${torch.python}), ${torch.threads} thread(s).`);
  console.log('Ratios: graft throughput / reference throughput (>1: graft faster).\n');
  const torchRate = (c: Case) => {
    const r = torch?.gemm.find((g) => g.shape.join() === c.gemm?.join());
    return r ? c.work / r.median / 1e9 : NaN;
  };

  warmGraftKernels();
  const results = [];
  const rows: Record<Case['group'], Record<string, string | number>[]> = { matmul: [], elementwise: [], reduction: [] };
  let mismatches = 0;
  let leaks = 0;
  for (const c of CASES) {
    const measured: Partial<Record<Engine, Measured>> = {
      graft: await runGraft(c),
      'tfjs-cpu': c.skipTfjsCpu ? undefined : await runTfjs(c, 'cpu'),
      'tfjs-wasm': await runTfjs(c, 'wasm'),
    };
    const scale = c.unit === 'GFLOP/s' ? 1e9 : 1e6;
    const rate = (e: Engine) => (measured[e] ? c.work / measured[e].timing.median / scale : NaN);
    const ref = measured.graft!.out;
    // graft's WASM kernels accumulate in float32 in a different order than tfjs: allow float32
    // rounding (growing with the reduction length), not different work
    const tol = 1e-3 * Math.max(1, maxAbs(ref)) * (c.gemm ? Math.sqrt(c.gemm[1] / 256) : 1);
    const diff: Partial<Record<Engine, number>> = {};
    for (const e of ['tfjs-cpu', 'tfjs-wasm'] as const) {
      if (!measured[e]) continue;
      const d = (diff[e] = maxAbsDiff(ref, measured[e].out));
      if (!(d <= tol)) {
        mismatches++;
        console.error(`MISMATCH: ${c.name} ${c.size}: graft and ${e} differ by ${d} (tolerance ${tol})`);
      }
    }
    for (const e of ENGINES) {
      if (measured[e] && measured[e].leaked !== 0) {
        leaks++;
        console.error(`LEAK: ${c.name} ${c.size}: ${e} has ${measured[e].leaked} more live tensors after the case`);
      }
    }
    const row: Record<string, string | number> = {
      op: c.name,
      size: c.size,
      [`graft ${c.unit}`]: rate('graft'),
      'tfjs-cpu': rate('tfjs-cpu'),
      'tfjs-wasm': rate('tfjs-wasm'),
    };
    if (c.gemm) Object.assign(row, { torch: torchRate(c), 'graft/wasm': rate('graft') / rate('tfjs-wasm'), 'graft/torch': rate('graft') / torchRate(c) });
    else Object.assign(row, { 'graft/cpu': rate('graft') / rate('tfjs-cpu'), 'graft/wasm': rate('graft') / rate('tfjs-wasm') });
    row['graft ms'] = measured.graft!.timing.median * 1e3;
    row['diff wasm'] = fmtDiff(diff['tfjs-wasm'] ?? NaN);
    rows[c.group].push(row);
    results.push({
      group: c.group,
      op: c.name,
      size: c.size,
      unit: c.unit,
      work: c.work,
      engines: Object.fromEntries(
        ENGINES.filter((e) => measured[e]).map((e) => [
          e,
          { rate: rate(e), medianSeconds: measured[e]!.timing.median, samples: measured[e]!.timing.samples, leakedTensors: measured[e]!.leaked },
        ]),
      ),
      torch: c.gemm ? torchRate(c) : undefined,
      ratio: {
        'graft/tfjs-cpu': rate('graft') / rate('tfjs-cpu'),
        'graft/tfjs-wasm': rate('graft') / rate('tfjs-wasm'),
        'graft/torch': c.gemm ? rate('graft') / torchRate(c) : undefined,
      },
      maxAbsDiff: diff,
      tolerance: tol,
    });
  }

  console.log('f32 matmul, GFLOP/s (torch: PyTorch on the same thread count; tfjs-cpu skipped above 0.3 GFLOP)');
  table(rows.matmul);
  console.log('\nelementwise, Melem/s of output');
  table(rows.elementwise);
  console.log('\nreductions, Melem/s of input');
  table(rows.reduction);
  console.log("\ndiff: max abs difference from graft's result");

  const bert = graftBert(bertRun.batch, bertRun.seq, bertRun.steps);
  const seqs = (s: number) => bertRun.batch / s;
  console.log(
    `\nbert-tiny training step (batch ${bertRun.batch} x seq ${bertRun.seq}, ${bert.parameters} parameters; forward, cross-entropy, backward, AdamW), sequences/s`,
  );
  table([
    {
      graft: seqs(bert.median),
      torch: torch?.bert ? seqs(torch.bert.median) : NaN,
      'graft/torch': torch?.bert ? torch.bert.median / bert.median : NaN,
      'graft s/step': bert.median,
      'torch s/step': torch?.bert?.median ?? NaN,
      'graft loss': `${bert.firstLoss.toFixed(4)} -> ${bert.lastLoss.toFixed(4)}`,
      'torch loss': torch?.bert ? `${torch.bert.firstLoss.toFixed(4)} -> ${torch.bert.lastLoss.toFixed(4)}` : '',
    },
  ]);
  if (bert.leaked) {
    leaks++;
    console.error(`LEAK: bert step: ${bert.leaked} more live tensors after the steps`);
  }

  // the machine is shared: a load average above its core count means the figures are depressed
  const load = { before: loadBefore, after: loadavg()[0] };
  console.log(`1-minute load average: ${load.before.toFixed(2)} before, ${load.after.toFixed(2)} after (${m.cores} cores)`);
  saveResults('core-cpu', {
    load,
    graft: info,
    tfjs: tf.version_core,
    wasmSimd: simd,
    wasmThreads: threads,
    torch,
    cases: results,
    bert: { graft: bert, torch: torch?.bert ?? null, config: bertRun },
    mismatches,
    leaks,
  });
  if (mismatches || leaks) {
    console.error(`core-cpu: ${mismatches} result mismatch(es), ${leaks} leak(s): the figures above are not comparable`);
    process.exitCode = 1;
  }
}

await main();
