/**
 * Gradual unfreezing with discriminative learning rates (ULMFiT), in the Trainer: the classifier
 * trains first, then the top layer with the pooler, then each layer below, the embeddings last,
 * one more stage every few steps; and each layer trains at the head's rate times 0.8 per layer
 * below the top, so the most general features move least. Prints the stages, the rate of each
 * parameter group, when each stage opens, and the loss. Runs in Node and in the browser.
 *
 *   tsx docs/examples/fine-tuning/gradual-unfreezing.ts
 */
import { padCollate } from '@graft/data';
import { fromPretrained, loadTokenizer, type ModelFilesLike } from '@graft/models';
import { applyFreezing } from '@graft/peft';
import { ProgressCallback, Trainer } from '@graft/train';
import { isMain } from '../is-main';
import { loadSst2 } from '../models/sst2-data';

/** Trains `steps` steps opening a stage every `every` steps; returns the steps at which stages opened and the logged losses. */
export async function gradualUnfreezing(
  modelFiles: ModelFilesLike,
  sst2Files: ModelFilesLike,
  opts: { steps?: number; every?: number; log?: (line: string) => void } = {},
) {
  const { steps = 16, every = 4, log = () => {} } = opts;
  const tokenizer = await loadTokenizer(modelFiles);
  const { train, id2label } = await loadSst2(sst2Files, tokenizer, { trainSamples: steps * 16, evalSamples: 0, maxLength: 32 });
  const model = await fromPretrained(modelFiles, { task: 'sequence-classification', id2label, seed: 0 });

  const opened: number[] = [];
  const freezing = applyFreezing(model, 'gradual', {
    unfreezeEvery: every, // steps; 'epoch' opens one stage per epoch
    onUnfreeze: ({ stage, modules, step }) => {
      opened.push(step);
      const open = freezing.stages.slice(0, stage + 1).flatMap((s) => s.parameters);
      log(
        `step ${String(step).padStart(2)}: stage ${stage} opens (${modules.join(', ')}); ${open.reduce((n, p) => n + p.size, 0).toLocaleString('en-US')} parameters train`,
      );
    },
  });
  freezing.stages.forEach((s, i) => log(`stage ${i}: ${s.modules.join(', ')}`));
  log(freezing.summary()); // what trains by the end: everything

  // every stage's parameters are in the optimizer from the start; a frozen one gets no gradient, so no update
  const learningRate = 3e-4;
  const parameterGroups = freezing.parameterGroups({ lr: learningRate, weightDecay: 0.01, layerLrDecay: 0.8 });
  const rates = [...new Set(parameterGroups.map((g) => g.lr ?? learningRate))].sort((a, b) => b - a);
  log(`learning rates by depth: ${rates.map((r) => r.toExponential(2)).join(', ')}`);

  const losses: number[] = [];
  const trainer = new Trainer({
    model,
    args: { outputDir: 'gradual', maxSteps: steps, perDeviceTrainBatchSize: 16, learningRate, loggingSteps: every, saveStrategy: 'no', seed: 0 },
    trainDataset: train,
    collate: padCollate({ padTokenId: 0 }),
    parameterGroups,
    callbacks: [
      freezing.callback!, // opens the stages on schedule
      new ProgressCallback((e) => {
        if (e.kind !== 'log' || e.entry.loss === undefined) return;
        losses.push(Number(e.entry.loss));
        log(`step ${String(e.step).padStart(2)}  loss ${Number(e.entry.loss).toFixed(4)}`);
      }),
    ],
  });
  await trainer.train();
  model.dispose();
  return { opened, losses, stages: freezing.stages.length };
}

if (isMain(import.meta.url)) {
  void import('@graft/models/node').then(({ dirFiles }) =>
    gradualUnfreezing(dirFiles('assets/models/bert-tiny-imdb-mlm'), dirFiles('assets/datasets/sst2'), { log: console.log }),
  );
}
