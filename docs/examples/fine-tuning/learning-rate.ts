/**
 * The learning-rate rule of thumb: fine-tune at about a tenth of the rate the model was
 * pretrained at. The embedded checkpoint records its pretraining rate (2e-3, in
 * `pretraining.json`); this prints the rule's suggestion and the rate at each step of the
 * schedule the Trainer applies to it (linear warmup over the first 10% of the steps, then linear
 * decay to zero: transformers' default), for the README demo's 625 steps. Runs in Node and in
 * the browser.
 *
 *   tsx docs/examples/fine-tuning/learning-rate.ts
 */
import { asModelFiles, type ModelFilesLike } from '@graft/models';
import { linearWithWarmup } from '@graft/nn';
import { isMain } from '../is-main';

/** Reads the pretraining rate from `files` and prints the fine-tuning rate and its schedule. */
export async function learningRatePlan(files: ModelFilesLike, log: (line: string) => void, opts: { steps?: number; warmupRatio?: number } = {}) {
  const { steps = 625, warmupRatio = 0.1 } = opts;
  const pretraining = JSON.parse(new TextDecoder().decode((await asModelFiles(files).read('pretraining.json'))!)) as { optimizer: { lr: number } };
  const pretrainLr = pretraining.optimizer.lr;
  const lr = pretrainLr / 10;
  log(`pretrained at lr ${pretrainLr.toExponential(0)} → fine-tune at about ${lr.toExponential(0)}`);

  // the Trainer's schedule: a multiplier of the base rate at each optimizer step
  const warmup = Math.ceil(warmupRatio * steps);
  const schedule = linearWithWarmup(warmup, steps);
  const at = [0, Math.floor(warmup / 2), warmup, Math.floor(steps / 2), steps - 1];
  const rates = at.map((s) => lr * schedule(s));
  log(`${steps} steps, ${warmup} of warmup:`);
  at.forEach((s, i) => log(`  step ${String(s).padStart(4)}  lr ${rates[i].toExponential(2)}`));
  return { pretrainLr, lr, warmup, rates };
}

if (isMain(import.meta.url))
  void import('@graft/models/node').then(({ dirFiles }) => learningRatePlan(dirFiles('assets/models/bert-tiny-imdb-mlm'), console.log));
