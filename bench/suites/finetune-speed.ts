/**
 * The flagship's speed: one full fine-tuning epoch of the embedded bert-tiny checkpoint on SST-2
 * (67,349 sentences, batch 32, max length 128 with dynamic padding, AdamW with the usual no-decay
 * groups, linear schedule with 10% warmup, max grad norm 1.0, dropout on, float32, CPU), run by
 * @graft/train's Trainer, against the same epoch in PyTorch (Debian's python3-torch) on the
 * *identical* batches (the ones Graft's DataLoader produced, written to a file), in the same run,
 * with the same thread count. Prints samples/s, the ratio, and peak memory of each process.
 *
 * GRAFT_BENCH_SAMPLES=n limits the epoch to the first n training sentences (default: all);
 * GRAFT_BENCH_THREADS=n sets both sides' threads (default: every core).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuInfo, initCpu, type Tensor } from '@graft/core';
import { saveSafetensorsFile } from '@graft/core/node';
import { DataLoader, padCollate, type TextBatch } from '@graft/data';
import { fromPretrained } from '@graft/models/node';
import { Trainer } from '@graft/train';
import { saveResults, table } from '../harness';
import { findTorchPython } from '../cpu/torch';
import { MODEL_DIR, type Row, sst2 } from '../finetune/sst2';

const here = dirname(fileURLToPath(import.meta.url));
const threads = Number(process.env.GRAFT_BENCH_THREADS) || cpus().length;
const limit = Number(process.env.GRAFT_BENCH_SAMPLES) || Number.POSITIVE_INFINITY;
const recipe = { learningRate: 1e-4, weightDecay: 0.01, warmupRatio: 0.1, maxGradNorm: 1.0, batchSize: 32, maxLength: 128, seed: 0 };

/** Peak resident memory of this process, sampled every 50 ms while `fn` runs. */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peakRssMiB: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, peakRssMiB: peak / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

/** The epoch-0 batches the Trainer will see (its loader: shuffle with `seed`, no drop-last), as int32 tensors in a safetensors file. */
async function writeBatches(train: import('@graft/data').Dataset<Row>, file: string): Promise<number> {
  const loader = new DataLoader<Row, TextBatch>(train, {
    batchSize: recipe.batchSize,
    shuffle: true,
    seed: recipe.seed,
    dropLast: false,
    collate: padCollate({ padTokenId: 0 }),
  });
  loader.setEpoch(0);
  const tensors: Record<string, Tensor> = {};
  let n = 0;
  for (const b of loader) {
    tensors[`input_ids.${n}`] = b.inputIds.keep();
    tensors[`attention_mask.${n}`] = b.attentionMask.keep();
    tensors[`token_type_ids.${n}`] = (b.tokenTypeIds as Tensor).keep();
    tensors[`labels.${n}`] = (b.labels as Tensor).keep();
    n++;
  }
  await saveSafetensorsFile(file, tensors);
  for (const t of Object.values(tensors)) t.dispose();
  return n;
}

async function main() {
  await initCpu({ threads });
  const { train: full } = await sst2(recipe.maxLength);
  const train = Number.isFinite(limit) ? full.select([...Array(Math.min(limit, full.length)).keys()]) : full;
  console.log(
    `SST-2 train: ${train.length} sentences, batch ${recipe.batchSize}, ${threads} threads (Graft: ${cpuInfo().kernels} kernels), load ${loadavg()[0].toFixed(1)}`,
  );

  const dir = mkdtempSync(join(tmpdir(), 'graft-finetune-'));
  const batchesFile = join(dir, 'batches.safetensors');
  const steps = await writeBatches(train, batchesFile);

  // Graft: the Trainer, one epoch, nothing but training (no evaluation, saving or per-step logging)
  const model = await fromPretrained(MODEL_DIR, { task: 'sequence-classification', numLabels: 2, seed: recipe.seed });
  const trainer = new Trainer({
    model: model as never,
    args: {
      outputDir: join(dir, 'run'),
      learningRate: recipe.learningRate,
      weightDecay: recipe.weightDecay,
      warmupRatio: recipe.warmupRatio,
      maxGradNorm: recipe.maxGradNorm,
      numTrainEpochs: 1,
      perDeviceTrainBatchSize: recipe.batchSize,
      evalStrategy: 'no',
      saveStrategy: 'no',
      loggingStrategy: 'steps',
      loggingSteps: 500,
      seed: recipe.seed,
    },
    trainDataset: train,
    collate: padCollate({ padTokenId: 0 }),
  });
  const t0 = performance.now();
  const { value: result, peakRssMiB } = await withPeakRss(() => trainer.train());
  const seconds = (performance.now() - t0) / 1000;
  const graft = {
    steps: result.globalStep,
    samples: train.length,
    seconds,
    samplesPerSecond: train.length / seconds,
    trainingLoss: result.trainingLoss,
    peakRssMiB,
  };

  // PyTorch: the same batches, model and recipe (bench/finetune/torch_finetune.py)
  let torch: Record<string, number | string> | null = null;
  const python = findTorchPython();
  if (!python) console.log('PyTorch: not found (apt-get install -y python3-torch libopenblas0-pthread); its column is left empty');
  else {
    const request = {
      model: MODEL_DIR,
      batches: batchesFile,
      threads,
      lr: recipe.learningRate,
      weightDecay: recipe.weightDecay,
      warmupRatio: recipe.warmupRatio,
      maxGradNorm: recipe.maxGradNorm,
      numLabels: 2,
      seed: recipe.seed,
    };
    // OpenBLAS sizes its own pool from the environment, not from torch.set_num_threads
    const r = spawnSync(python, [join(here, '..', 'finetune', 'torch_finetune.py')], {
      input: JSON.stringify(request),
      encoding: 'utf8',
      env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) },
      maxBuffer: 16 << 20,
    });
    if (r.status !== 0) console.error(`PyTorch reference failed (exit ${r.status}):\n${r.stderr}`);
    else torch = JSON.parse(r.stdout);
  }
  rmSync(dir, { recursive: true, force: true });

  table([
    {
      engine: 'Graft (Trainer)',
      steps: graft.steps,
      'samples/s': graft.samplesPerSecond,
      seconds: graft.seconds,
      'peak RSS MiB': graft.peakRssMiB,
      'vs PyTorch': torch ? graft.samplesPerSecond / Number(torch.samplesPerSecond) : '',
    },
    ...(torch
      ? [
          {
            engine: `PyTorch ${torch.torch}`,
            steps: Number(torch.steps),
            'samples/s': Number(torch.samplesPerSecond),
            seconds: Number(torch.seconds),
            'peak RSS MiB': Number(torch.peakRssMiB),
            'vs PyTorch': 1,
          },
        ]
      : []),
  ]);
  if (steps !== graft.steps) console.warn(`warning: the Trainer ran ${graft.steps} steps, the batches file holds ${steps}`);
  saveResults('finetune-speed', { recipe, threads, loadAverage: loadavg(), graft, torch });
}

await main();
