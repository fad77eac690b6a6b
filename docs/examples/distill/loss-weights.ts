/**
 * The dynamically weighted multi-task loss of distillation: the student's loss is
 * `α(t)·T²·KL(teacher/T ‖ student/T) + (1 − α(t))·CE(student, labels)`, two tasks whose weight α
 * moves over training. This prints α(t) for a constant, a linear and a cosine ramp and a
 * hand-written schedule, and the two terms on a toy batch at three temperatures. Runs in Node
 * and in the browser, on the CPU or WebGPU.
 *
 *   tsx docs/examples/distill/loss-weights.ts
 */
import { tensor } from '@graft/core';
import { cosineRamp, distillationTerms, linearRamp, type Scheduled, valueAt } from '@graft/distill';
import { isMain } from '../is-main';

/** α over a 100-step run for each schedule; returns the printed values by name. */
export async function lossWeights(log: (line: string) => void): Promise<Record<string, number[]>> {
  const total = 100;
  const steps = [0, 25, 50, 75, 100];
  const schedules: Record<string, Scheduled> = {
    'constant 0.5': 0.5,
    'linear 0.9 → 0.1': linearRamp({ from: 0.9, to: 0.1 }),
    'cosine 0.9 → 0.1': cosineRamp({ from: 0.9, to: 0.1 }),
    // any (step, totalSteps) => number: lean on the teacher for the first fifth, then on the labels
    'teacher first': (step, totalSteps) => (step < totalSteps / 5 ? 1 : 0.3),
  };
  log(`α(t) at steps ${steps.join(', ')} of ${total}`);
  const values: Record<string, number[]> = {};
  for (const [name, schedule] of Object.entries(schedules)) {
    values[name] = steps.map((s) => valueAt('alpha', schedule, s, total)); // what the distillation step reads each step
    log(`  ${name.padEnd(18)} ${values[name].map((v) => v.toFixed(3)).join('  ')}`);
  }

  // the two terms on a toy batch: 3 rows, 4 classes; the teacher is confident about row 0
  const student = tensor([
    [1.0, 0.5, -0.5, 0.0],
    [0.2, 0.1, 0.3, -0.2],
    [-1.0, 2.0, 0.0, 0.5],
  ]);
  const teacher = tensor([
    [4.0, 0.0, -2.0, -1.0],
    [0.5, 0.0, 1.5, -1.0],
    [-2.0, 3.0, 0.0, 1.0],
  ]);
  const labels = tensor([0, 2, 1], { dtype: 'int32' });
  log('terms at α = 0.5 (soft = T²·KL, hard = cross-entropy with the labels)');
  for (const temperature of [1, 2, 4]) {
    const { loss, soft, hard } = distillationTerms(student, teacher, labels, { alpha: 0.5, temperature });
    log(`  T = ${temperature}: soft ${(await soft.item()).toFixed(4)}  hard ${(await hard!.item()).toFixed(4)}  loss ${(await loss.item()).toFixed(4)}`);
    for (const t of [loss, soft, hard!]) t.dispose();
  }
  for (const t of [student, teacher, labels]) t.dispose();
  return values;
}

if (isMain(import.meta.url)) void lossWeights(console.log);
