/**
 * Usefulness of the ways to train less than the whole model (issue 11's table): full fine-tuning,
 * head only, lower layers frozen, gradual unfreezing, LoRA with PEFT's defaults and with the pooler
 * in `modules_to_save`, (IA)³ and BitFit, each from the embedded checkpoint on SST-2 by the same
 * Trainer recipe (AdamW, batch 32, 10% warmup then linear decay, weight decay 0.01, max grad norm
 * 1), evaluated on the whole dev set. Reported per method: dev accuracy and F1, trainable parameters
 * and their share, the median training step time (data, forward, backward and update), and the
 * process's peak RSS.
 *
 * Each method runs in its own process (this file re-invoked with GRAFT_METHOD set), so peak memory
 * is the method's own and no JIT or heap state carries over. A CPU budget protocol, stated in the
 * table: the demo's budget by default (`npm run demo`: 20,000 of the 67,349 training examples, 1
 * epoch, max length 64; GRAFT_BENCH_SAMPLES, GRAFT_EPOCHS, GRAFT_MAX_LENGTH change them), seeds
 * GRAFT_SEEDS (default 0). Learning rates: GRAFT_LR (default the demo's 3e-4) for the methods that
 * train the encoder's own weights, ten times that for the head and the adapters (the ratio of the
 * reference recipes: 1e-4 for full fine-tuning, 1e-3 for LoRA). 8,000 examples × 2 epochs at 1e-4
 * was tried first: 250 steps left every method predicting one class. GRAFT_METHODS=lora,ia3 picks
 * methods.
 *
 * Results: bench/results/peft-methods.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initCpu } from '@graft/core';
import { padCollate } from '@graft/data';
import type { AnyModule } from '@graft/nn';
import { fromPretrained } from '@graft/models/node';
import { applyFreezing, getPeftModel, type ParameterCounts } from '@graft/peft';
import { classificationMetrics, Trainer, type TrainerCallback } from '@graft/train';
import { saveResults, table } from '../harness';
import { MODEL_DIR, recipeArgs, sst2 } from '../finetune/sst2';

const env = process.env;
const samples = Number(env.GRAFT_BENCH_SAMPLES) || 20_000;
const epochs = Number(env.GRAFT_EPOCHS) || 1;
const maxLength = Number(env.GRAFT_MAX_LENGTH) || 64;
const BASE_LR = Number(env.GRAFT_LR) || 3e-4;

/** One way to train, as the Trainer is given it. */
interface Method {
  lr: number;
  describe: string;
  prepare(model: AnyModule, totalSteps: number): { model: AnyModule; counts: ParameterCounts; callbacks: TrainerCallback[]; groups?: (lr: number) => unknown };
}

const freezing = (name: Parameters<typeof applyFreezing>[1], lr: number, describe: string): Method => ({
  lr,
  describe,
  prepare(model, totalSteps) {
    // gradual: heads, top layer + pooler, layer 0, embeddings: four stages spread over the run
    const f = applyFreezing(model, name === 'gradual' ? { kind: 'gradual', every: Math.max(1, Math.floor(totalSteps / 4)) } : name);
    return {
      model,
      counts: f.counts(),
      callbacks: f.callback ? [f.callback] : [],
      groups: (rate) => f.parameterGroups({ lr: rate, weightDecay: 0.01 }),
    };
  },
});

const peft = (config: Record<string, unknown>, describe: string): Method => ({
  lr: 10 * BASE_LR,
  describe,
  prepare(model) {
    const wrapped = getPeftModel(model as never, { task_type: 'SEQ_CLS', ...config } as never);
    return { model: wrapped as unknown as AnyModule, counts: wrapped.trainableParameters(), callbacks: [] };
  },
});

const METHODS: Record<string, Method> = {
  full: freezing('full', BASE_LR, 'every parameter'),
  head: freezing('head', 10 * BASE_LR, 'classifier only (pooler frozen)'),
  'freeze:1': freezing('freeze:1', BASE_LR, 'embeddings and layer 0 frozen'),
  gradual: freezing('gradual', BASE_LR, 'unfreeze top-down in 4 stages'),
  // the same two at the adapters' rate: with the lower layers frozen, fewer weights must move further
  'freeze:1 lr×10': freezing('freeze:1', 10 * BASE_LR, 'embeddings and layer 0 frozen'),
  'gradual lr×10': freezing('gradual', 10 * BASE_LR, 'unfreeze top-down in 4 stages'),
  lora: peft({ peft_type: 'LORA', r: 8, lora_alpha: 32, lora_dropout: 0.1 }, "PEFT's defaults: r 8, alpha 32, query+value"),
  'lora+pooler': peft({ peft_type: 'LORA', r: 8, lora_alpha: 32, lora_dropout: 0.1, modules_to_save: ['classifier', 'pooler'] }, 'the same, pooler trained'),
  ia3: peft({ peft_type: 'IA3' }, "PEFT's defaults: key, value, output.dense"),
  bitfit: peft({ peft_type: 'BITFIT' }, 'every bias'),
};

/** A method's name as a file name. */
const slug = (name: string) => name.replace(/[^a-z0-9]+/gi, '-');

interface MethodResult {
  method: string;
  seed: number;
  accuracy: number;
  f1: number;
  trainable: number;
  total: number;
  stepMs: number;
  peakRssMiB: number;
  lr: number;
}

/** The child: trains one method with one seed and writes its result as JSON to GRAFT_RESULT. */
async function child(name: string, seed: number, out: string): Promise<void> {
  const method = METHODS[name];
  await initCpu();
  const data = await sst2(maxLength);
  const train = data.train.select([...Array(Math.min(samples, data.train.length)).keys()]);
  const totalSteps = Math.ceil(train.length / 32) * epochs;
  const base = await fromPretrained(MODEL_DIR, { task: 'sequence-classification', numLabels: 2, seed });
  const prepared = method.prepare(base as unknown as AnyModule, totalSteps);
  const stepTimes: number[] = [];
  let stepStart = 0;
  let accuracy = Number.NaN;
  let f1 = Number.NaN;
  let peak = process.memoryUsage().rss;
  const trainer = new Trainer({
    model: prepared.model as never,
    args: recipeArgs({ outputDir: join(tmpdir(), `graft-peft-methods-${slug(name)}-${seed}`), learningRate: method.lr, epochs, seed }),
    trainDataset: train,
    collate: padCollate({ padTokenId: 0 }),
    computeMetrics: classificationMetrics(),
    ...(prepared.groups ? { parameterGroups: prepared.groups(method.lr) as never } : {}),
    callbacks: [
      ...prepared.callbacks,
      {
        // a step's time is the time between two step ends (data, forward, backward, update);
        // the clock restarts at each epoch's start so that epoch boundaries are not counted
        onEpochBegin: () => {
          stepStart = performance.now();
        },
        onStepEnd: () => {
          const now = performance.now();
          stepTimes.push(now - stepStart);
          stepStart = now;
          peak = Math.max(peak, process.memoryUsage().rss);
        },
      },
    ],
  });
  await trainer.train();
  const metrics = await trainer.evaluate(data.dev);
  accuracy = 100 * Number(metrics.eval_accuracy);
  f1 = 100 * Number(metrics.eval_f1);
  peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  const sorted = stepTimes.slice(1).sort((a, b) => a - b);
  const result: MethodResult = {
    method: name,
    seed,
    accuracy,
    f1,
    trainable: prepared.counts.trainable,
    total: prepared.counts.all,
    stepMs: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
    peakRssMiB: peak / 2 ** 20,
    lr: method.lr,
  };
  writeFileSync(out, JSON.stringify(result));
}

async function parent(): Promise<void> {
  const names = (env.GRAFT_METHODS ?? Object.keys(METHODS).join(',')).split(',').map((s) => s.trim());
  for (const n of names) if (!(n in METHODS)) throw new Error(`GRAFT_METHODS: unknown method '${n}' (known: ${Object.keys(METHODS).join(', ')})`);
  const seeds = (env.GRAFT_SEEDS ?? '0').split(',').map(Number);
  const resultsFile = join(fileURLToPath(new URL('..', import.meta.url)), 'results', 'peft-methods.json');
  const earlier: MethodResult[] = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')).results?.runs ?? []) : [];
  const runs = earlier.filter((r) => !names.includes(r.method) || !seeds.includes(r.seed));
  const protocol = { samples, epochs, maxLength, lr: BASE_LR };
  console.log(
    `protocol: ${samples} SST-2 training examples, ${epochs} epoch(s), max length ${maxLength}, lr ${BASE_LR} (×10 for head and adapters); dev: all 872`,
  );
  for (const name of names) {
    for (const seed of seeds) {
      const out = join(tmpdir(), `graft-peft-methods-${process.pid}-${slug(name)}-${seed}.json`);
      console.log(`${name}, seed ${seed} (load ${loadavg()[0].toFixed(1)})`);
      const r = spawnSync(process.execPath, ['--conditions=@graft/source', '--import', 'tsx', fileURLToPath(import.meta.url)], {
        stdio: 'inherit',
        env: { ...env, GRAFT_METHOD: name, GRAFT_SEED: String(seed), GRAFT_RESULT: out },
      });
      if (r.status !== 0) throw new Error(`method '${name}' seed ${seed} failed (exit ${r.status})`);
      runs.push(JSON.parse(readFileSync(out, 'utf8')) as MethodResult);
      saveResults('peft-methods', { protocol, runs, loadAverage: loadavg() });
    }
  }
  const full = runs.filter((r) => r.method === 'full');
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const fullAcc = full.length ? mean(full.map((r) => r.accuracy)) : Number.NaN;
  table(
    Object.keys(METHODS)
      .filter((m) => runs.some((r) => r.method === m))
      .map((m) => {
        const mine = runs.filter((r) => r.method === m);
        const acc = mean(mine.map((r) => r.accuracy));
        return {
          method: m,
          what: METHODS[m].describe,
          lr: METHODS[m].lr,
          seeds: mine.map((r) => r.seed).join(','),
          'accuracy %': acc,
          'F1 %': mean(mine.map((r) => r.f1)),
          'vs full': acc - fullAcc,
          trainable: mine[0].trainable,
          'share %': (100 * mine[0].trainable) / mine[0].total,
          'step ms': mean(mine.map((r) => r.stepMs)),
          'peak RSS MiB': Math.max(...mine.map((r) => r.peakRssMiB)),
        };
      }),
  );
}

if (env.GRAFT_METHOD) await child(env.GRAFT_METHOD, Number(env.GRAFT_SEED ?? 0), env.GRAFT_RESULT ?? join(tmpdir(), 'graft-peft-method.json'));
else await parent();
