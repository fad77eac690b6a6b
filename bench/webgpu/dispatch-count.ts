/**
 * Dispatches and submits per bert-tiny training step (forward + cross-entropy + backward +
 * AdamW) on the WebGPU backend, from the stream's own counters, with the dispatches broken down
 * by op. The counts do not depend on the batch or the load (only shapes' sizes change), so this
 * runs a small batch: `node --conditions=@graft/source --import tsx bench/webgpu/dispatch-count.ts
 * [batch] [seq]`. The webgpu suite prints the same count.
 */
import { create, globals } from 'webgpu';
import { registerWebGPU } from '@graft/core/webgpu';
import { countStep } from './count-step';

Object.assign(globalThis, globals);
const backend = (await registerWebGPU({ required: true, gpu: create([]) }))!;
const [batch, seq] = [Number(process.argv[2] ?? 2), Number(process.argv[3] ?? 16)];
const c = await countStep(backend, batch, seq);
console.log(`bert-tiny step (batch ${batch}, seq ${seq}): ${c.dispatches} dispatches, ${c.submits} submits`);
for (const [op, n] of Object.entries(c.byOp).sort((a, b) => b[1] - a[1])) console.log(`${String(n).padStart(6)}  ${op}`);
process.exit(0);
