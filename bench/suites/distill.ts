/**
 * Distillation (issue 11's target): does a small student learn more from a teacher than from the
 * labels alone? Teacher: the embedded checkpoint (2 layers, width 128) fine-tuned on SST-2 with
 * Graft (full fine-tuning at the demo's lr 3e-4, seed 0). Student: the same config with one layer, started from
 * the teacher's first layer, embeddings, pooler and classifier (`initStudentFromTeacher`, the
 * DistilBERT recipe). Each seed trains that student twice on the same data and batches: with the
 * teacher (α·T²·KL + (1−α)·CE, α = 0.5, T = 2) and without it (CE alone, the same Trainer recipe);
 * both are scored on the whole dev set. GRAFT_STUDENT_INIT=pretrained starts the student from the
 * *pretrained* checkpoint's first layer and embeddings with a fresh head instead (the same student
 * for both arms of a seed), so the teacher's fine-tuning does not reach it through its weights and
 * only the distillation loss can carry it (results: bench/results/distill-pretrained-init.json).
 *
 * A CPU budget protocol, printed with the table: the demo's (`npm run demo`): GRAFT_BENCH_SAMPLES
 * training examples (default 20,000), GRAFT_EPOCHS (default 1; the teacher gets the same), max
 * length GRAFT_MAX_LENGTH (default 64), lr GRAFT_LR (default 3e-4), seeds GRAFT_SEEDS (default 0,1,2). The teacher is trained once and kept in the OS temp
 * folder, keyed by the protocol. Results: bench/results/distill.json.
 */
import { existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { initCpu } from '@graft/core';
import { type Dataset, padCollate } from '@graft/data';
import { distillationStep, initStudentFromTeacher } from '@graft/distill';
import { BertForSequenceClassification } from '@graft/models';
import { fromPretrained, savePretrained } from '@graft/models/node';
import { classificationMetrics, Trainer } from '@graft/train';
import { saveResults, table } from '../harness';
import { MODEL_DIR, type Row, recipeArgs, sst2 } from '../finetune/sst2';

const env = process.env;
const samples = Number(env.GRAFT_BENCH_SAMPLES) || 20_000;
const epochs = Number(env.GRAFT_EPOCHS) || 1;
const lr = Number(env.GRAFT_LR) || 3e-4;
const maxLength = Number(env.GRAFT_MAX_LENGTH) || 64;
const seeds = (env.GRAFT_SEEDS ?? '0,1,2').split(',').map(Number);
const studentInit = env.GRAFT_STUDENT_INIT ?? 'teacher';
if (studentInit !== 'teacher' && studentInit !== 'pretrained') throw new Error(`GRAFT_STUDENT_INIT: 'teacher' or 'pretrained', not '${studentInit}'`);
const ALPHA = 0.5;
const TEMPERATURE = 2;

function args(name: string, seed: number) {
  return recipeArgs({ outputDir: join(tmpdir(), `graft-distill-${name}-${seed}`), learningRate: lr, epochs, seed });
}

async function accuracyOf(trainer: Trainer<Row>, dev: Dataset<Row>): Promise<number> {
  return 100 * Number((await trainer.evaluate(dev)).eval_accuracy);
}

/** The fine-tuned teacher, trained once per protocol and reloaded from the temp folder after that. */
async function teacherFor(train: Dataset<Row>, dev: Dataset<Row>): Promise<{ teacher: BertForSequenceClassification; accuracy: number }> {
  const dir = join(tmpdir(), `graft-distill-teacher-${samples}-${epochs}-${maxLength}-${lr}`);
  const collate = padCollate({ padTokenId: 0 });
  if (!existsSync(join(dir, 'model.safetensors'))) {
    console.log(`teacher: fine-tuning the embedded checkpoint (seed 0) into ${dir}`);
    const model = (await fromPretrained(MODEL_DIR, { task: 'sequence-classification', numLabels: 2, seed: 0 })) as BertForSequenceClassification;
    await new Trainer<Row>({ model, args: args('teacher', 0), trainDataset: train, collate }).train();
    await savePretrained(model, dir);
    model.dispose();
  }
  const teacher = (await fromPretrained(dir)) as BertForSequenceClassification;
  const accuracy = await accuracyOf(new Trainer<Row>({ model: teacher, args: args('teacher-eval', 0), collate, computeMetrics: classificationMetrics() }), dev);
  return { teacher, accuracy };
}

async function student(teacher: BertForSequenceClassification, train: Dataset<Row>, dev: Dataset<Row>, seed: number, withTeacher: boolean) {
  const model = new BertForSequenceClassification(teacher.config.with({ num_hidden_layers: 1 }));
  if (studentInit === 'teacher') initStudentFromTeacher(model, teacher);
  else {
    // the pretrained checkpoint with this seed's fresh pooler and classifier, cut to its first layer
    const pretrained = await fromPretrained(MODEL_DIR, { task: 'sequence-classification', numLabels: 2, seed });
    initStudentFromTeacher(model, pretrained as BertForSequenceClassification);
    pretrained.dispose();
  }
  const collate = padCollate({ padTokenId: 0 });
  const trainStep = withTeacher ? distillationStep({ student: model, teacher, alpha: ALPHA, temperature: TEMPERATURE }) : undefined;
  const trainer = new Trainer<Row>({
    model: (trainStep?.model ?? model) as never,
    ...(trainStep ? { trainStep: trainStep as never } : {}),
    args: args(withTeacher ? 'distilled' : 'alone', seed),
    trainDataset: train,
    collate,
    computeMetrics: classificationMetrics(),
  });
  const t0 = performance.now();
  await trainer.train();
  const seconds = (performance.now() - t0) / 1000;
  const accuracy = await accuracyOf(trainer, dev);
  model.dispose();
  return { accuracy, seconds };
}

async function main() {
  await initCpu();
  const data = await sst2(maxLength);
  const train = data.train.select([...Array(Math.min(samples, data.train.length)).keys()]);
  console.log(`protocol: ${train.length} SST-2 training examples, ${epochs} epoch(s), max length ${maxLength}, lr ${lr}; dev: all ${data.dev.length}`);
  const { teacher, accuracy: teacherAccuracy } = await teacherFor(train, data.dev);
  console.log(`teacher dev accuracy ${teacherAccuracy.toFixed(2)}%`);
  const runs: { seed: number; distilled: number; alone: number; distilledSeconds: number; aloneSeconds: number }[] = [];
  for (const seed of seeds) {
    console.log(`seed ${seed} (load ${loadavg()[0].toFixed(1)})`);
    const distilled = await student(teacher, train, data.dev, seed, true);
    const alone = await student(teacher, train, data.dev, seed, false);
    runs.push({ seed, distilled: distilled.accuracy, alone: alone.accuracy, distilledSeconds: distilled.seconds, aloneSeconds: alone.seconds });
    console.log(`  distilled ${distilled.accuracy.toFixed(2)}%, without the teacher ${alone.accuracy.toFixed(2)}%`);
    saveResults(studentInit === 'teacher' ? 'distill' : 'distill-pretrained-init', {
      protocol: { samples: train.length, epochs, maxLength, lr, alpha: ALPHA, temperature: TEMPERATURE, studentInit },
      teacherAccuracy,
      runs,
      loadAverage: loadavg(),
    });
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  table([
    ...runs.map((r) => ({ seed: String(r.seed), 'distilled %': r.distilled, 'without teacher %': r.alone, difference: r.distilled - r.alone })),
    {
      seed: 'mean',
      'distilled %': mean(runs.map((r) => r.distilled)),
      'without teacher %': mean(runs.map((r) => r.alone)),
      difference: mean(runs.map((r) => r.distilled - r.alone)),
    },
  ]);
  console.log(
    `teacher (2 layers): ${teacherAccuracy.toFixed(2)}%; student: 1 layer, from the ${studentInit === 'teacher' ? "teacher's" : "pretrained checkpoint's"} layer 0`,
  );
}

await main();
