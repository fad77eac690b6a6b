/**
 * Distillation end to end: fine-tune the embedded BERT (the teacher), build a one-layer student
 * from the teacher's first layer (the DistilBERT recipe), and train the student on the teacher's
 * softened outputs and the labels with α moving from 0.9 to 0.5 over the run, in the Trainer.
 * The student is saved as an ordinary Hugging Face checkpoint. Node only (it writes folders);
 * `graft distill` is the same from the command line.
 *
 *   tsx docs/examples/distill/distill-student.ts
 */
import { join } from 'node:path';
import { padCollate } from '@graft/data';
import { distillationStep, initStudentFromTeacher, linearRamp } from '@graft/distill';
import { BertForSequenceClassification, type BertConfig } from '@graft/models';
import { dirFiles, fromPretrained, loadTokenizer, savePretrained } from '@graft/models/node';
import { classificationMetrics, ProgressCallback, Trainer } from '@graft/train';
import { isMain } from '../is-main';
import { loadSst2 } from '../models/sst2-data';

/** Trains a teacher for `steps` steps, then distils a one-layer student for as many; returns both dev accuracies and the α values logged. */
export async function distillStudent(opts: { model: string; data: string; out: string; steps?: number; log?: (line: string) => void }) {
  const { steps = 60, log = () => {} } = opts;
  const tokenizer = await loadTokenizer(opts.model, { truncation: false });
  const { train, dev, id2label } = await loadSst2(dirFiles(opts.data), tokenizer, { trainSamples: steps * 32, evalSamples: 256, maxLength: 32 });
  const args = (outputDir: string) =>
    ({
      outputDir,
      maxSteps: steps,
      perDeviceTrainBatchSize: 32,
      learningRate: 3e-4,
      warmupRatio: 0.1,
      loggingSteps: 0.25,
      saveStrategy: 'no',
      seed: 0,
    }) as const;
  const common = { trainDataset: train, evalDataset: dev, collate: padCollate({ padTokenId: 0 }), computeMetrics: classificationMetrics() };

  // 1. the teacher: the pretrained model fine-tuned as usual
  const teacher = (await fromPretrained(opts.model, { task: 'sequence-classification', id2label, seed: 0 })) as BertForSequenceClassification;
  const teacherTrainer = new Trainer({ model: teacher, args: args(join(opts.out, 'teacher')), ...common });
  await teacherTrainer.train();
  const teacherAccuracy = (await teacherTrainer.evaluate()).eval_accuracy;
  log(
    `teacher (${teacher.config.num_hidden_layers} layers, ${teacher.numParameters().toLocaleString('en-US')} parameters): dev accuracy ${teacherAccuracy.toFixed(4)}`,
  );

  // 2. the student: the same config with one layer, started from the teacher's embeddings, first layer and heads
  const student = new BertForSequenceClassification((teacher.config as BertConfig).with({ num_hidden_layers: 1 }));
  const init = initStudentFromTeacher(student, teacher);
  log(`student (1 layer, ${student.numParameters().toLocaleString('en-US')} parameters) starts from teacher layers [${init.layers.join(', ')}]`);

  // 3. the distillation step: α·T²·KL(teacher ‖ student) + (1 − α)·CE, α ramped over the run
  const step = distillationStep({ student, teacher, alpha: linearRamp({ from: 0.9, to: 0.5 }), temperature: 2 });
  const alphas: number[] = [];
  const studentTrainer = new Trainer({
    model: step.model,
    trainStep: step,
    args: args(join(opts.out, 'student')),
    ...common,
    callbacks: [
      new ProgressCallback((e) => {
        if (e.kind !== 'log' || e.entry.alpha === undefined) return;
        alphas.push(Number(e.entry.alpha));
        log(
          `step ${String(e.step).padStart(3)}  loss ${Number(e.entry.loss).toFixed(4)}  soft ${Number(e.entry.soft_loss).toFixed(4)}  hard ${Number(e.entry.hard_loss).toFixed(4)}  α ${Number(e.entry.alpha).toFixed(3)}`,
        );
      }),
    ],
  });
  await studentTrainer.train();
  const studentAccuracy = (await studentTrainer.evaluate()).eval_accuracy;
  log(`student: dev accuracy ${studentAccuracy.toFixed(4)}`);
  const saved = join(opts.out, 'student', 'final');
  await savePretrained(student, saved); // an ordinary BertForSequenceClassification checkpoint
  teacher.dispose();
  student.dispose();
  return { teacherAccuracy, studentAccuracy, alphas, saved };
}

if (isMain(import.meta.url))
  void distillStudent({ model: 'assets/models/bert-tiny-imdb-mlm', data: 'assets/datasets/sst2', out: 'runs/distill', log: console.log });
