/**
 * A training run in its own process, for the exact-resume tests of @graft/train: the tiny
 * classifier with dropout, gradient accumulation, warmup, weight decay, evaluation and
 * checkpoints every 4 steps, into a `nodeCheckpointStore`. Usage:
 *
 *   node --import tsx --conditions=@graft/source resume-child.ts <outputDir> <mode> [step]
 *
 * mode `full` trains to the end; `resume` resumes from the latest checkpoint; `stall-after-save`
 * sleeps after each step once checkpoint-<step> is saved (the parent kills it mid-epoch);
 * `stall-in-save` hangs while writing the third file of checkpoint-<step> (the parent kills it
 * mid-write). The process prints `saved <name>` after each checkpoint and `writing <name>` when
 * it hangs, so the parent knows when to kill it.
 */
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { Dataset } from '@graft/data';
import { classificationMetrics, Trainer, type TrainerCallback } from '@graft/train';
import { nodeCheckpointStore } from '@graft/train/node';
import { TinyClassifier, tinyCollate, tinyRows } from './tiny-classifier';

const [outputDir, mode, stepText] = process.argv.slice(2);
const step = Number(stepText ?? 0);
const say = (line: string) => process.stdout.write(`${line}\n`);

if (mode === 'stall-in-save') {
  // hang in the middle of writing checkpoint-<step>: the third file of its temporary directory
  const open = fsp.open;
  let files = 0;
  fsp.open = (async (path: Parameters<typeof open>[0], flags?: Parameters<typeof open>[1], ...rest: unknown[]) => {
    if (String(path).includes(`/.checkpoint-${step}.`) && flags === 'wx' && ++files === 3) {
      say(`writing checkpoint-${step}`);
      await new Promise(() => setInterval(() => {}, 1000));
    }
    return (open as (...a: unknown[]) => ReturnType<typeof open>)(path, flags, ...rest);
  }) as typeof open;
  syncBuiltinESMExports();
}

let saved = false;
const observer: TrainerCallback = {
  name: 'ResumeTestObserver',
  onSave: (_ctx, name) => {
    say(`saved ${name}`);
    if (mode === 'stall-after-save' && name === `checkpoint-${step}`) saved = true;
  },
  // slow enough after the checkpoint that the parent's SIGKILL lands mid-epoch, never at the end
  onStepEnd: () => (saved ? new Promise((resolve) => setTimeout(resolve, 250)) : undefined),
};

const model = new TinyClassifier({ dropout: 0.2 });
const trainer = new Trainer({
  model,
  args: {
    outputDir,
    learningRate: 0.02,
    numTrainEpochs: 3,
    perDeviceTrainBatchSize: 8,
    gradientAccumulationSteps: 2,
    weightDecay: 0.01,
    warmupRatio: 0.1,
    loggingSteps: 2,
    evalStrategy: 'steps',
    evalSteps: 4,
    saveStrategy: 'steps',
    saveSteps: 4,
    metricForBestModel: 'accuracy',
    seed: 7,
  },
  trainDataset: Dataset.fromRows(tinyRows(96, { seed: 3 })),
  evalDataset: Dataset.fromRows(tinyRows(24, { seed: 4 })),
  collate: tinyCollate,
  computeMetrics: classificationMetrics(),
  callbacks: [observer],
  store: nodeCheckpointStore(outputDir),
});
await trainer.train({ resumeFromCheckpoint: mode === 'resume' });
say('done');
