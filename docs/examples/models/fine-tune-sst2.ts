/**
 * The flagship, through the library: fine-tune a pretrained BERT for sentiment on SST-2 with the
 * Trainer, evaluate on the dev set, keep the best checkpoint as a Hugging Face folder, and label
 * new sentences with it. The model is one path: `assets/models/bert-tiny-imdb-mlm` (BERT), or a
 * DistilBERT or RoBERTa folder in the same layout; nothing else changes. Node only (it reads and
 * writes folders); `graft train` is the same run from the command line.
 *
 *   tsx docs/examples/models/fine-tune-sst2.ts [model folder]
 */
import { join } from 'node:path';
import { padCollate } from '@graft/data';
import { tokenizerFiles } from '@graft/models';
import { dirFiles, fromPretrained, loadTokenizer, pipeline, savePretrained } from '@graft/models/node';
import { classificationMetrics, ProgressCallback, type ProgressEvent, Trainer } from '@graft/train';
import { nodeCheckpointStore } from '@graft/train/node';
import { isMain } from '../is-main';
import { loadSst2 } from './sst2-data';

/** The run's settings; the defaults are the README demo's (a seeded sample of SST-2, one epoch). */
export interface FineTuneOptions {
  /** A Hugging Face model folder: config.json, model.safetensors, tokenizer files. */
  model: string;
  /** The folder holding SST-2's train.tsv and dev.tsv. */
  data: string;
  outputDir: string;
  trainSamples?: number;
  evalSamples?: number;
  epochs?: number;
  maxLength?: number;
  learningRate?: number;
  log?: (line: string) => void;
}

/** Prints the Trainer's training logs and evaluations as lines, until the run ends. */
function printer(log: (line: string) => void) {
  let running = true;
  return (e: ProgressEvent): void => {
    if (!running) return;
    if (e.kind === 'log' && e.entry.loss !== undefined)
      log(`step ${e.step}  loss ${Number(e.entry.loss).toFixed(4)}  lr ${Number(e.entry.learning_rate).toExponential(2)}`);
    if (e.kind === 'evaluate') log(`evaluation at step ${e.step}: accuracy ${e.metrics.eval_accuracy.toFixed(4)}  f1 ${e.metrics.eval_f1.toFixed(4)}`);
    if (e.kind === 'train_end') running = false;
  };
}

/** Fine-tunes `model` on SST-2; returns the dev metrics, the saved folder and two predictions. */
export async function fineTuneSst2(opts: FineTuneOptions) {
  const log = opts.log ?? (() => {});
  // 1. the tokenizer that came with the checkpoint, and the data tokenized with it
  const tokenizer = await loadTokenizer(opts.model, { truncation: false });
  const { train, dev, id2label } = await loadSst2(dirFiles(opts.data), tokenizer, {
    trainSamples: opts.trainSamples ?? 20000,
    evalSamples: opts.evalSamples,
    maxLength: opts.maxLength ?? 64,
  });
  log(`data: ${train.length} training sentences, ${dev.length} dev sentences`);

  // 2. the pretrained body with a new classification head (transformers reports the new weights)
  const model = await fromPretrained(opts.model, { task: 'sequence-classification', id2label, seed: 0, log });

  // 3. the Trainer with Hugging Face's TrainingArguments (camelCased) and the seed material's recipe
  const trainer = new Trainer({
    model,
    args: {
      outputDir: opts.outputDir,
      numTrainEpochs: opts.epochs ?? 1,
      perDeviceTrainBatchSize: 32,
      learningRate: opts.learningRate ?? 3e-4, // ≈ the checkpoint's pretraining rate (2e-3) / 10: see the learning-rate guide
      warmupRatio: 0.1,
      weightDecay: 0.01,
      loggingSteps: 0.1, // a ratio: log ten times per run
      evalStrategy: 'epoch',
      saveStrategy: 'epoch',
      loadBestModelAtEnd: true,
      metricForBestModel: 'accuracy',
      saveTotalLimit: 1,
      seed: 0,
    },
    trainDataset: train,
    evalDataset: dev,
    collate: padCollate({ padTokenId: (model.config.pad_token_id as number | null) ?? 0 }), // pads each batch to its longest sentence
    computeMetrics: classificationMetrics(), // accuracy, precision, recall, F1, Matthews correlation
    callbacks: [new ProgressCallback(printer(log))],
    store: nodeCheckpointStore(opts.outputDir), // atomic checkpoints in HF's layout; train({ resumeFromCheckpoint: true }) resumes
  });
  await trainer.train();
  const metrics = await trainer.evaluate(); // the best checkpoint, loaded back at the end
  log(`best model on dev: accuracy ${metrics.eval_accuracy.toFixed(4)}  f1 ${metrics.eval_f1.toFixed(4)}`);

  // 4. the best model as a Hugging Face folder (transformers' from_pretrained reads it), and a pipeline over it
  const best = join(opts.outputDir, 'best');
  await savePretrained(model, best, { tokenizer: await tokenizerFiles(dirFiles(opts.model)) });
  const classify = await pipeline('text-classification', best);
  const sentences = ['a gorgeous, witty, seductive movie.', 'the plot is nothing but boilerplate clichés from start to finish.'];
  const predictions = (await classify(sentences)) as { label: string; score: number }[];
  predictions.forEach((p, i) => log(`${p.label.padEnd(8)}  ${p.score.toFixed(4)}  ${sentences[i]}`));
  return { metrics, best, predictions };
}

if (isMain(import.meta.url)) {
  void fineTuneSst2({
    model: process.argv[2] ?? 'assets/models/bert-tiny-imdb-mlm',
    data: 'assets/datasets/sst2',
    outputDir: 'runs/sst2-library',
    log: console.log,
  });
}
