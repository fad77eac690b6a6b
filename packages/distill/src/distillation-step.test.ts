/**
 * The distillation step run by @graft/train's real Trainer on tiny BERTs: the loss goes down and
 * the student moves toward the teacher; α follows its schedule; projections train and resume
 * exactly from a checkpoint; the teacher never trains nor leaves eval mode.
 */
import { Dataset } from '@graft/data';
import { memoryCheckpointStore, Trainer } from '@graft/train';
import { Generator, memory, scope, type Tensor } from '@graft/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { agreement, logitsOf, tinyBert, tinyBertCollate, tokenRows } from '../../../test-utils/distill/tiny-berts';
import { DistillationModel } from './distillation-model';
import { distillationStep } from './distillation-step';
import { DistillError } from './errors';
import { linearRamp } from './schedule';

const args = {
  perDeviceTrainBatchSize: 16,
  learningRate: 1e-2,
  warmupSteps: 0,
  lrSchedulerType: 'constant',
  evalStrategy: 'no',
  saveStrategy: 'no',
  seed: 0,
} as const;
// the teacher: a 2-layer, 32-wide BERT fine-tuned on the task; the student learns on other rows
const teacher = tinyBert({ hidden: 32, layers: 2, seed: 11 });
const trainRows = tokenRows(96, 1);
const heldOut = tokenRows(64, 2);
let teacherHeldOut: Tensor;
beforeAll(async () => {
  await new Trainer({
    model: teacher,
    args: { ...args, numTrainEpochs: 6 },
    trainDataset: Dataset.fromRows(tokenRows(128, 3)),
    collate: tinyBertCollate,
  }).train();
  teacher.eval();
  teacherHeldOut = logitsOf(teacher, heldOut).keep();
});

describe('distillationStep in the Trainer', () => {
  it('lowers the distillation loss and moves a narrower one-layer student toward the teacher (logits + hidden + attention)', async () => {
    const student = tinyBert({ hidden: 16, layers: 1, seed: 5 });
    const step = distillationStep({ student, teacher, alpha: 0.7, temperature: 2, hidden: true, attention: true });
    expect(step.model).toBeInstanceOf(DistillationModel);
    const before = agreement(teacherHeldOut, logitsOf(student, heldOut));
    const trainer = new Trainer({
      model: step.model,
      trainStep: step,
      args: { ...args, numTrainEpochs: 8, loggingSteps: 6 },
      trainDataset: Dataset.fromRows(trainRows),
      collate: tinyBertCollate,
    });
    await trainer.train();
    const logs = trainer.state.logHistory.filter((e) => e.loss !== undefined);
    const [first, last] = [logs[0], logs.at(-1)!];
    for (const k of ['loss', 'soft_loss', 'hard_loss', 'hidden_loss', 'attention_loss']) expect(last[k], k).toBeLessThan(first[k]);
    expect(last.soft_loss).toBeLessThan(first.soft_loss / 2);
    expect(last.alpha).toBeCloseTo(0.7, 12);
    expect(last.temperature).toBe(2);
    const after = agreement(teacherHeldOut, logitsOf(student, heldOut));
    expect(after.kl).toBeLessThan(before.kl / 4);
    expect(after.agree).toBeGreaterThan(0.9);
    // the teacher was neither trained nor switched to training mode by trainer.train()
    expect(teacher.training).toBe(false);
    expect(teacher.parameters().every((p) => p.grad === null)).toBe(true);
    // the projection was in the optimizer
    const proj = step.hiddenDistiller!.projection!;
    expect(trainer.optimizer!.paramGroups.flatMap((g) => g.params)).toContain(proj.weight);
  });

  it('follows a scheduled α, read at each step over the run the Trainer planned', async () => {
    const student = tinyBert({ hidden: 16, layers: 1, seed: 6 });
    const step = distillationStep({ student, teacher, alpha: linearRamp({ from: 0.9, to: 0.1 }), temperature: (s) => 1 + s });
    expect(step.model).toBe(student); // no projections: the student itself is what the Trainer trains
    const trainer = new Trainer({
      model: step.model,
      trainStep: step,
      args: { ...args, maxSteps: 5, loggingSteps: 1 },
      trainDataset: Dataset.fromRows(trainRows),
      collate: tinyBertCollate,
    });
    await trainer.train();
    const logs = trainer.state.logHistory.filter((e) => e.loss !== undefined);
    expect(logs.map((e) => e.alpha)).toEqual([0.9, 0.74, 0.58, 0.42, 0.26].map((v) => expect.closeTo(v, 6)));
    expect(logs.map((e) => e.temperature)).toEqual([1, 2, 3, 4, 5]);
  });

  it('checkpoints student and projections together, and resumes exactly', async () => {
    const run = async (resume: boolean, store = memoryCheckpointStore()) => {
      const student = tinyBert({ hidden: 16, layers: 1, seed: 7 });
      const step = distillationStep({ student, teacher, hidden: { projection: 'per-layer' } });
      const trainer = new Trainer({
        model: step.model,
        trainStep: step,
        args: { ...args, maxSteps: 4, saveStrategy: 'steps', saveSteps: 2 },
        trainDataset: Dataset.fromRows(trainRows),
        collate: tinyBertCollate,
        store,
      });
      if (resume) await trainer.train({ resumeFromCheckpoint: 'checkpoint-2' });
      else await trainer.train();
      return { sd: step.model.stateDict(), store };
    };
    const full = await run(false);
    const keys = Object.keys(full.sd);
    expect(keys).toContain('hidden.projections.1.weight');
    expect(keys).toContain('student.bert.encoder.layer.0.attention.self.query.weight');
    // a fresh process: new student and projections, restored from checkpoint-2, then 2 more steps
    const resumed = await run(true, full.store);
    for (const k of keys) expect(Array.from(resumed.sd[k].dataSync()), k).toEqual(Array.from(full.sd[k].dataSync()));
  });

  it('keeps live tensors flat over steps (teacher, projections, attention maps)', () => {
    const student = tinyBert({ hidden: 16, layers: 1, seed: 9 });
    const step = distillationStep({ student, teacher, hidden: true, attention: { loss: 'mse' } });
    const rows = Array.from({ length: 30 }, (_, i) => tinyBertCollate(trainRows.slice((i * 3) % 90, ((i * 3) % 90) + 6)));
    const run = (i: number) =>
      scope(() => {
        const out = step(rows[i], { globalStep: i, epoch: 0, microStep: 0, accumulationSteps: 1, training: true, generator: new Generator(0), totalSteps: 30 });
        out.loss.backward();
        for (const p of step.model.parameters()) {
          p.grad?.dispose();
          p.grad = null;
        }
      });
    for (let i = 0; i < 5; i++) run(i);
    const live = memory().tensors;
    for (let i = 5; i < 30; i++) run(i);
    expect(memory().tensors).toBe(live);
  });

  it('refuses setups that cannot work, with typed errors naming the option', () => {
    const student = tinyBert({ hidden: 16, layers: 1, seed: 8 });
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(DistillError);
        return `${(e as DistillError).code} ${(e as DistillError).field}: ${(e as Error).message}`;
      }
      return 'no error';
    };
    expect(err(() => distillationStep({ student }))).toMatch(/^distill_config teacher:/);
    expect(err(() => distillationStep({ student, teacher: student }))).toMatch(/same module/);
    expect(err(() => distillationStep({ student, teacher, temprature: 2 } as never))).toMatch(/unknown option 'temprature' \(did you mean 'temperature'\?\)/);
    expect(err(() => distillationStep({ student, teacher, hidden: { layer_map: {} } } as never))).toMatch(/did you mean 'layerMap'/);
    expect(err(() => distillationStep({ student, teacher, alpha: '0.5' as never }))).toMatch(/^distill_config alpha:/);
    expect(err(() => distillationStep({ student, teacher, hidden: { layerMap: { 2: 1 } } }))).toMatch(/^distill_layer_map .*student index 2 does not exist/);
    const step = distillationStep({ student, teacher, alpha: linearRamp({ from: 1, to: 0 }) });
    const batch = tinyBertCollate(trainRows.slice(0, 4));
    const ctx = { globalStep: 0, epoch: 0, microStep: 0, accumulationSteps: 1, training: true, generator: undefined as never };
    expect(err(() => step(batch, ctx))).toMatch(/^distill_schedule alpha: .*totalSteps/);
    expect(distillationStep({ student, teacher, alpha: linearRamp({ from: 1, to: 0 }), totalSteps: 4 })(batch, { ...ctx, globalStep: 1 }).metrics!.alpha).toBe(
      0.75,
    );
    expect(err(() => distillationStep({ student, teacher, alpha: (s) => 1 + s })(batch, { ...ctx, totalSteps: 9, globalStep: 1 }))).toMatch(
      /at step 1: alpha must be in \[0, 1\], got 2/,
    );
    const { labels: _, ...unlabelled } = batch;
    expect(err(() => distillationStep({ student, teacher })(unlabelled, ctx))).toMatch(/^distill_output labels: .*set alpha to 1/);
    // α = 1 needs no labels
    expect(distillationStep({ student, teacher, alpha: 1 })(unlabelled, ctx).metrics!.hard_loss).toBeUndefined();
  });
});
