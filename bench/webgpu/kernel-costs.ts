/**
 * Where the device time of a bert-tiny-shaped training step goes, per kernel: a diagnostic for
 * the WebGPU backend, not a benchmark with a reference.
 * `node --conditions=@graft/source --import tsx bench/webgpu/kernel-costs.ts [rows]`
 *
 * It records every dispatch of one step (pipeline, buffer sizes, parameters, grid), then replays
 * each one alone on fresh buffers and charges it the CPU time of every thread but the main one.
 * On lavapipe those threads are the "GPU", so this is the device time of the kernel, and it is
 * far less sensitive to other jobs on a shared machine than wall time. On a real GPU the figure
 * means nothing (use timestamp queries there). Buffer copies (dense views) are not dispatches and
 * are not listed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { create, globals } from 'webgpu';
import { registerWebGPU } from '@graft/core/webgpu';
import { BERT_TINY_SHAPE, bertStep } from './bert-step';

type Dispatch = typeof stream.dispatch;
interface Recorded {
  op: string;
  entry: Parameters<Dispatch>[1];
  inputs: number[];
  outputs: number[];
  meta: number[];
  grid: [number, number, number];
  flags: boolean;
}

/** CPU nanoseconds of every thread of this process but the main one. */
function workerNs(): number {
  let ns = 0;
  for (const t of readdirSync('/proc/self/task')) {
    if (Number(t) !== process.pid) ns += Number(readFileSync(`/proc/self/task/${t}/schedstat`, 'utf8').split(' ')[0]);
  }
  return ns;
}

Object.assign(globalThis, globals);
const backend = (await registerWebGPU({ required: true, gpu: create([]) }))!;
const stream = backend.stream;
const step = bertStep(BERT_TINY_SHAPE, 'webgpu', 2, 16);
await step.step();

const recorded: Recorded[] = [];
const dispatch: Dispatch = stream.dispatch.bind(stream);
stream.dispatch = (op, entry, inputs, outputs, meta, grid, opts = {}) => {
  recorded.push({
    op,
    entry,
    inputs: inputs.map((b) => b.bytes),
    outputs: outputs.map((b) => b.bytes),
    meta: Array.from(meta),
    grid: [...grid],
    flags: !!opts.flags,
  });
  dispatch(op, entry, inputs, outputs, meta, grid, opts);
};
await step.step();
stream.dispatch = dispatch;

const byKernel = new Map<string, { count: number; ms: number }>();
const reps = 3;
for (const r of recorded) {
  const inputs = r.inputs.map((bytes) => stream.alloc(bytes));
  const outputs = r.outputs.map((bytes) => stream.alloc(bytes));
  const run = () => dispatch(r.op, r.entry, inputs, outputs, r.meta, r.grid, { flags: r.flags });
  run();
  await stream.sync();
  const c0 = workerNs();
  for (let k = 0; k < reps; k++) run();
  await stream.sync();
  const ms = (workerNs() - c0) / 1e6 / reps;
  const key = `${r.op.padEnd(14)} ${r.entry.key.split('|').slice(0, 2).join('|').padEnd(22)} grid ${r.grid.join('×')}`;
  const e = byKernel.get(key) ?? { count: 0, ms: 0 };
  e.count++;
  e.ms += ms;
  byKernel.set(key, e);
  for (const b of [...inputs, ...outputs]) stream.free(b);
}
const rows = [...byKernel].sort((a, b) => b[1].ms - a[1].ms);
const total = rows.reduce((s, [, v]) => s + v.ms, 0);
console.log(`${recorded.length} dispatches per step, ${total.toFixed(1)} ms of device CPU time in all`);
for (const [k, v] of rows.slice(0, Number(process.argv[2] ?? 25)))
  console.log(`${v.ms.toFixed(2).padStart(8)} ms ${((100 * v.ms) / total).toFixed(1).padStart(5)}%  ${String(v.count).padStart(4)}×  ${k}`);
process.exit(0);
