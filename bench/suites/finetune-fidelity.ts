/**
 * The flagship's fidelity: the seed material's recipe run by @graft/train's Trainer on the
 * embedded checkpoint, against the results the reference stack (transformers + torch) reached with
 * the same recipe (assets/models/README.md). Recipe: AdamW, lr 1e-4, batch 32, 10% warmup then
 * linear decay, weight decay 0.01 outside biases and LayerNorm weights, max grad norm 1.0, dropout
 * as configured, float32, CPU, evaluated after each epoch.
 *
 * - `sst2`: 3 epochs, max length 128, dev accuracy after epoch 3, seeds 0, 1, 2
 *   (reference 80.4 / 79.8 / 79.8 %, mean 80.0; target: within 0.7 points of the mean);
 * - `sst2-random`: the same recipe from random initialisation (reference 80.7 %, seed 0), so the
 *   value of pretraining is measured, not claimed;
 * - `sst2-lora`: LoRA with PEFT's defaults for BERT sequence classification (r 8, alpha 32,
 *   dropout 0.1, `query` + `value`, the classifier trained, the pooler frozen), lr 1e-3, 3 epochs,
 *   the recipe otherwise; seeds 0, 1, 2 (reference 73.4 / 74.0 / 72.3 %; target: within 1 point
 *   of the mean);
 * - `imdb`: 2 epochs, max length 256, test accuracy after epoch 2, seed 0 (reference 82.6 %;
 *   target: within 1 point). Needs IMDB in GRAFT_ASSETS or ../shared/assets.
 *
 * Hours of CPU: choose with GRAFT_FIDELITY=sst2,sst2-lora,sst2-random,imdb (default all) and
 * GRAFT_SEEDS=0,1,2 (GRAFT_BENCH_SAMPLES=n trains on the first n examples only: a smoke run). Each finished run is added to bench/results/finetune-fidelity.json at once,
 * so an interrupted suite keeps what it measured.
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Generator, initCpu } from '@graft/core';
import { padCollate } from '@graft/data';
import { BertConfig, BertForSequenceClassification } from '@graft/models';
import { fromPretrained } from '@graft/models/node';
import { getPeftModel } from '@graft/peft';
import { classificationMetrics, Trainer } from '@graft/train';
import { saveResults, table } from '../harness';
import { imdb, MODEL_DIR, recipeArgs, sst2 } from '../finetune/sst2';

const REFERENCE = {
  sst2: { seeds: [80.4, 79.8, 79.8], tolerance: 0.7 },
  'sst2-random': { seeds: [80.7], tolerance: null },
  'sst2-lora': { seeds: [73.4, 74.0, 72.3], tolerance: 1 },
  imdb: { seeds: [82.6], tolerance: 1 },
} as const;
type Experiment = keyof typeof REFERENCE;

interface RunResult {
  experiment: Experiment;
  seed: number;
  accuracyByEpoch: number[];
  f1ByEpoch: number[];
  accuracy: number;
  seconds: number;
  samplesPerSecond: number;
}

const resultsFile = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', 'finetune-fidelity.json');
const experiments = (process.env.GRAFT_FIDELITY ?? 'sst2,sst2-lora,sst2-random,imdb').split(',').map((s) => s.trim()) as Experiment[];
const seeds = (process.env.GRAFT_SEEDS ?? '0,1,2').split(',').map(Number);
const limit = Number(process.env.GRAFT_BENCH_SAMPLES) || Number.POSITIVE_INFINITY;
for (const e of experiments) if (!(e in REFERENCE)) throw new Error(`GRAFT_FIDELITY: unknown experiment '${e}' (known: ${Object.keys(REFERENCE).join(', ')})`);

function previous(): RunResult[] {
  if (!existsSync(resultsFile)) return [];
  return (JSON.parse(readFileSync(resultsFile, 'utf8')).results?.runs ?? []) as RunResult[];
}

async function run(
  experiment: Experiment,
  seed: number,
  data: { train: import('@graft/data').Dataset<import('../finetune/sst2').Row>; dev: import('@graft/data').Dataset<import('../finetune/sst2').Row> },
): Promise<RunResult> {
  const epochs = experiment === 'imdb' ? 2 : 3;
  const model =
    experiment === 'sst2-random'
      ? new BertForSequenceClassification(new BertConfig({ ...JSON.parse(readFileSync(join(MODEL_DIR, 'config.json'), 'utf8')), num_labels: 2 }), {
          generator: new Generator(seed),
        })
      : await fromPretrained(MODEL_DIR, { task: 'sequence-classification', numLabels: 2, seed });
  const trained =
    experiment === 'sst2-lora' ? getPeftModel(model as never, { peft_type: 'LORA', task_type: 'SEQ_CLS', r: 8, lora_alpha: 32, lora_dropout: 0.1 }) : model;
  const accuracyByEpoch: number[] = [];
  const f1ByEpoch: number[] = [];
  const trainer = new Trainer({
    model: trained as never,
    args: recipeArgs({
      outputDir: `/tmp/graft-fidelity-${experiment}-${seed}`,
      learningRate: experiment === 'sst2-lora' ? 1e-3 : 1e-4,
      epochs,
      seed,
      perEpoch: true,
    }),
    trainDataset: data.train,
    evalDataset: data.dev,
    collate: padCollate({ padTokenId: 0 }),
    computeMetrics: classificationMetrics(),
    callbacks: [
      {
        onEvaluate: (_ctx, metrics) => {
          accuracyByEpoch.push(100 * Number(metrics.eval_accuracy));
          f1ByEpoch.push(100 * Number(metrics.eval_f1));
          console.log(
            `  ${experiment} seed ${seed} epoch ${accuracyByEpoch.length}: accuracy ${accuracyByEpoch.at(-1)?.toFixed(2)}%, F1 ${f1ByEpoch.at(-1)?.toFixed(2)}%`,
          );
        },
      },
    ],
  });
  const t0 = performance.now();
  await trainer.train();
  const seconds = (performance.now() - t0) / 1000;
  model.dispose();
  return {
    experiment,
    seed,
    accuracyByEpoch,
    f1ByEpoch,
    accuracy: accuracyByEpoch.at(-1) ?? Number.NaN,
    seconds,
    samplesPerSecond: (data.train.length * epochs) / seconds,
  };
}

async function main() {
  await initCpu();
  const runs = previous().filter((r) => !experiments.includes(r.experiment) || !seeds.includes(r.seed));
  const save = () => saveResults('finetune-fidelity', { runs, loadAverage: loadavg() });
  for (const experiment of experiments) {
    const full = experiment === 'imdb' ? await imdb(256).then((d) => ({ train: d.train, dev: d.test })) : await sst2(128);
    const data = Number.isFinite(limit) ? { train: full.train.select([...Array(Math.min(limit, full.train.length)).keys()]), dev: full.dev } : full;
    const experimentSeeds = experiment === 'sst2' || experiment === 'sst2-lora' ? seeds : seeds.filter((s) => s === 0);
    for (const seed of experimentSeeds) {
      console.log(`${experiment}, seed ${seed}: ${data.train.length} training examples (load ${loadavg()[0].toFixed(1)})`);
      runs.push(await run(experiment, seed, data));
      save();
    }
  }
  table(
    (Object.keys(REFERENCE) as Experiment[])
      .filter((e) => runs.some((r) => r.experiment === e))
      .map((e) => {
        const mine = runs.filter((r) => r.experiment === e).sort((a, b) => a.seed - b.seed);
        const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
        const ref = REFERENCE[e];
        const refMean = mean(ref.seeds.slice(0, mine.length));
        return {
          experiment: e,
          seeds: mine.map((r) => r.seed).join(','),
          'Graft accuracy %': mine.map((r) => r.accuracy.toFixed(1)).join(' / '),
          'Graft mean': mean(mine.map((r) => r.accuracy)),
          'reference %': ref.seeds.slice(0, mine.length).join(' / '),
          'reference mean': refMean,
          difference: mean(mine.map((r) => r.accuracy)) - refMean,
          target: ref.tolerance === null ? 'reported' : `within ${ref.tolerance}`,
        };
      }),
  );
  save();
}

await main();
