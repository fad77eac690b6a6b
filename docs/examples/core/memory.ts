/**
 * Memory in a training loop: every op result joins the innermost `scope`, and the scope frees
 * everything made inside it except what it returns. `memory()` counts live tensors and bytes per
 * device; with a scope per step the counts stay flat, without one they grow with every step.
 * Runs in Node and in the browser, on the CPU or WebGPU.
 *
 *   tsx docs/examples/core/memory.ts
 */
import { memory, randn, scope } from '@graft/core';
import { Linear, SGD } from '@graft/nn';
import { isMain } from '../is-main';

/** Live tensors after each of `steps` steps, with and without a scope per step. */
export async function scopesKeepMemoryFlat(log: (line: string) => void, steps = 5): Promise<{ scoped: number[]; unscoped: number[] }> {
  const layer = new Linear(64, 64);
  const opt = new SGD(layer.parameters(), { lr: 0.01 });
  const x = randn([32, 64]);
  const step = () => {
    const loss = layer.call(x).square().mean();
    loss.backward();
    opt.step();
    opt.zeroGrad();
    return loss;
  };
  const live = () => memory().tensors;

  const scoped: number[] = [];
  for (let s = 0; s < steps; s++) {
    const loss = scope(step); // the step's activations and gradients are freed here; only the loss survives
    await loss.item();
    loss.dispose();
    scoped.push(live());
  }
  const unscoped: number[] = [];
  for (let s = 0; s < steps; s++) {
    await step().item(); // nothing frees the activations: they pile up until the process ends
    unscoped.push(live());
  }
  log(`live tensors after each step, with a scope:    ${scoped.join(' ')}`);
  log(`live tensors after each step, without a scope: ${unscoped.join(' ')}`);
  const { devices } = memory();
  log(
    `live bytes: ${Object.entries(devices)
      .map(([d, u]) => `${d} ${u.bytes.toLocaleString('en-US')} in ${u.buffers} buffers`)
      .join(', ')}`,
  );
  layer.dispose();
  x.dispose();
  return { scoped, unscoped };
}

if (isMain(import.meta.url)) void scopesKeepMemoryFlat(console.log);
