/**
 * Where the time of a bert-tiny training step goes on the CPU backend, by kernel call. Core has
 * no profiling hook, so this script wraps every entry of the backend's kernel table (which the
 * dispatcher looks up on each call) with a timer, keyed by the kernel, its attributes and its
 * operand layout: `matmul [4096,128]x[128,512]ᵀ` says B was read transposed through its strides.
 * Host time between kernels (autograd, views, allocation) is the step's wall time minus the sum.
 *
 *   nice node --conditions=@graft/source --import tsx bench/cpu/profile-step.ts [steps] [threads]
 *
 * Prints the load average, the step time with and without the timers, the top kernels by total
 * time and the totals by family (GEMM, attention, softmax, LayerNorm, GELU, elementwise,
 * reductions, copies, gathers, AdamW).
 */
import { loadavg } from 'node:os';
import * as g from '@graft/core';
import type { TensorView } from '@graft/core';
import { BERT_TINY, bertTrainer } from './bert-step';
import { table } from '../harness';

const steps = Number(process.argv[2] ?? 3);
const threads = Number(process.argv[3] ?? 0);

interface Entry {
  calls: number;
  ms: number;
  /** CPU time of the whole process (every thread), which load from other processes inflates less than wall time. */
  cpu: number;
  family: string;
}

/** `[4096,128]`, with `ᵀ` when the last two dims are read transposed, `~` for other strides. */
function layout(v: TensorView): string {
  const r = v.shape.length;
  const shape = `[${v.shape.join(',')}]`;
  if (r < 2) return shape;
  const [s0, s1] = [v.strides[r - 2], v.strides[r - 1]];
  if (s1 === 1 && (s0 === v.shape[r - 1] || v.shape[r - 2] === 1)) return shape;
  if (s0 === 1) return `${shape}ᵀ`;
  return `${shape}~`;
}

const FAMILY: Record<string, string> = {
  matmul: 'GEMM',
  attention: 'attention (fused forward)',
  softmax: 'softmax',
  logSoftmax: 'softmax',
  layerNorm: 'LayerNorm',
  layerNormBackward: 'LayerNorm',
  gelu: 'GELU',
  geluBackward: 'GELU',
  adamwUpdate: 'AdamW',
  contiguous: 'copies (contiguous)',
  pad: 'copies (pad)',
  concat: 'copies (concat)',
  gather: 'gather/scatter',
  scatterAdd: 'gather/scatter',
  reduce: 'reductions',
  argReduce: 'reductions',
  unary: 'elementwise',
  binary: 'elementwise',
  where: 'elementwise',
  cast: 'elementwise',
};

function describe(op: string, inputs: TensorView[], out: TensorView | TensorView[], attrs: Record<string, unknown> | undefined): string {
  const sub = attrs && typeof attrs.op === 'string' ? `.${attrs.op}` : '';
  const axes = attrs && Array.isArray(attrs.axes) ? ` axes=${attrs.axes.join(',')}` : '';
  const outs = (Array.isArray(out) ? out : [out]).map((o) => `[${o.shape.join(',')}]`).join(',');
  return `${op}${sub} ${inputs.map(layout).join('x')} -> ${outs}${axes}`;
}

async function main() {
  await g.initCpu(threads > 0 ? { threads } : {});
  const backend = g.getBackend('cpu');
  const info = g.cpuInfo();
  const trainer = bertTrainer(BERT_TINY, 32, 128);
  trainer.step(); // warm-up: JIT, heap growth, worker start

  const plain: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    trainer.step();
    plain.push(performance.now() - t0);
  }

  const entries = new Map<string, Entry>();
  const kernels = backend.kernels as Record<string, (inputs: TensorView[], out: unknown, attrs: unknown) => void>;
  const original = { ...kernels };
  for (const [op, fn] of Object.entries(original)) {
    if (typeof fn !== 'function') continue;
    kernels[op] = (inputs, out, attrs) => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      fn(inputs, out, attrs);
      const ms = performance.now() - t0;
      const c = process.cpuUsage(c0);
      const key = describe(op, inputs, out as TensorView | TensorView[], attrs as Record<string, unknown> | undefined);
      const e = entries.get(key) ?? { calls: 0, ms: 0, cpu: 0, family: FAMILY[op] ?? op };
      e.calls++;
      e.ms += ms;
      e.cpu += (c.user + c.system) / 1000;
      entries.set(key, e);
    };
  }
  const timed: number[] = [];
  const live = g.memory();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    trainer.step();
    timed.push(performance.now() - t0);
  }
  const cpuUsed = process.cpuUsage(cpu0);
  const stepCpu = (cpuUsed.user + cpuUsed.system) / 1000 / steps;
  Object.assign(kernels, original);

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const stepMs = timed.reduce((a, b) => a + b, 0) / steps;
  const kernelMs = [...entries.values()].reduce((a, e) => a + e.ms, 0) / steps;
  const kernelCpu = [...entries.values()].reduce((a, e) => a + e.cpu, 0) / steps;
  console.log(
    `bert-tiny step, batch 32 x seq 128, ${info.threads} thread(s), ${steps} steps; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `step: ${median(plain).toFixed(1)} ms median untimed, ${median(timed).toFixed(1)} ms median with timers; kernels ${kernelMs.toFixed(1)} ms/step, host outside kernels ${(stepMs - kernelMs).toFixed(1)} ms/step`,
  );
  console.log(`CPU time (all threads): ${stepCpu.toFixed(1)} ms/step, in kernels ${kernelCpu.toFixed(1)}, outside kernels ${(stepCpu - kernelCpu).toFixed(1)}`);
  console.log(`live tensors between steps ${live.tensors}, WASM heap ${(g.cpuInfo().heapBytes / 2 ** 20).toFixed(0)} MiB\n`);

  const byFamily = new Map<string, { calls: number; ms: number; cpu: number }>();
  for (const e of entries.values()) {
    const f = byFamily.get(e.family) ?? { calls: 0, ms: 0, cpu: 0 };
    f.calls += e.calls;
    f.ms += e.ms;
    f.cpu += e.cpu;
    byFamily.set(e.family, f);
  }
  table(
    [...byFamily.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(([family, f]) => ({
        family,
        'calls/step': f.calls / steps,
        'ms/step': f.ms / steps,
        'cpu ms/step': f.cpu / steps,
        '% of kernels': (100 * f.ms) / steps / kernelMs,
      })),
  );
  console.log('');
  const top = Number(process.env.GRAFT_PROFILE_TOP ?? 40);
  table(
    [...entries.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, top)
      .map(([kernel, e]) => ({
        kernel,
        'calls/step': e.calls / steps,
        'ms/step': e.ms / steps,
        'ms/call': e.ms / e.calls,
        'cpu ms/step': e.cpu / steps,
        '%': (100 * e.ms) / steps / kernelMs,
      })),
  );
}

await main();
