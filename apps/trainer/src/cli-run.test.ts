/**
 * The commands end to end, in process (runCli with captured streams): `graft train` learns SST-2
 * from the embedded checkpoint in a few hundred steps (the loss falls and dev accuracy clears a
 * threshold the untrained classifier does not), and train, eval, predict, pretrain and inspect
 * run on the embedded model and on every fixture model. Full recipes are benchmarks, not tests.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assetPath } from '../../../test-utils/assets';
import { fixtureModelWithTokenizer } from '../../../test-utils/model-tokenizers';
import { EXIT } from './exit-codes';
import { readReportData } from './report/report-html';
import { graftOk as graft, resumedAndWhole } from './test-in-process';

const embedded = assetPath('models', 'bert-tiny-imdb-mlm');
const work = mkdtempSync(join(tmpdir(), 'graft-cli-run-'));

describe('graft train on the embedded checkpoint (SST-2, short)', () => {
  const out = join(work, 'sst2-run');
  // 4,800 sentences, one epoch at batch 32 = 150 steps, evaluated at steps 75 and 150 on 300 dev sentences
  const data = ['--train-samples', '4800', '--eval-samples', '300', '--max-length', '32'];
  const schedule = [
    '--num-train-epochs',
    '1',
    '--per-device-train-batch-size',
    '32',
    '--learning-rate',
    '1e-3',
    '--warmup-ratio',
    '0.1',
    '--weight-decay',
    '0.01',
  ];
  let train: Record<string, unknown>;

  beforeAll(async () => {
    ({ result: train } = await graft(
      ['train', embedded, 'sst2', ...data, ...schedule, '--eval-strategy', 'steps', '--eval-steps', '75', '--output-dir', out],
      work,
    ));
  }, 600_000);

  it('the loss falls and dev accuracy clears 60%, which the untrained classifier does not', async () => {
    const logs = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, number>);
    const losses = logs.filter((l) => l.loss !== undefined).map((l) => l.loss);
    expect(losses.length).toBeGreaterThan(20);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)) - 0.03);
    const metrics = train.metrics as Record<string, number>;
    expect(metrics.accuracy).toBeGreaterThan(0.6);
    // the same checkpoint with a fresh classifier head, on the same 300 sentences: the majority class at best
    const { result: untrained, stderr } = await graft(['eval', embedded, 'sst2', '--eval-samples', '300', '--max-length', '32'], work);
    expect(stderr).toMatch(/has no trained sequence-classification head/);
    expect((untrained.metrics as Record<string, number>).accuracy).toBeLessThan(0.6);
  });

  it('leaves the run directory: best/, metrics.jsonl, trainer_state.json, the model card, report.html', () => {
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'vocab.txt', 'tokenizer_config.json'])
      expect(existsSync(join(out, 'best', f)), f).toBe(true);
    const config = JSON.parse(readFileSync(join(out, 'best', 'config.json'), 'utf8'));
    expect(config.architectures).toEqual(['BertForSequenceClassification']);
    expect(config.id2label).toEqual({ 0: 'negative', 1: 'positive' });
    const state = JSON.parse(readFileSync(join(out, 'trainer_state.json'), 'utf8'));
    expect(state.global_step).toBe(150);
    expect(state.best_model_checkpoint).toMatch(/checkpoint-(75|150)$/);
    expect(state.log_history.some((e: Record<string, number>) => e.eval_accuracy !== undefined)).toBe(true);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toMatch(/learning_rate|learningRate/);
    expect(readdirSync(out).filter((f) => f.startsWith('checkpoint-')).length).toBeGreaterThan(0);
    const report = readReportData(readFileSync(join(out, 'report.html'), 'utf8'));
    expect(report.evals).toHaveLength(2);
    expect(report.train.length).toBeGreaterThan(10);
    expect(report.confusionMatrix?.labels).toEqual(['negative', 'positive']);
    expect(report.confusionMatrix?.matrix.flat().reduce((a, b) => a + b, 0)).toBe(300);
    expect(report.model.trainableParameters).toBe(report.model.parameters);
    expect(report.hyperparameters.learningRate).toBe(1e-3);
  });

  it('graft eval on best/ reproduces the training run’s dev metrics', async () => {
    const { result } = await graft(['eval', join(out, 'best'), 'sst2', '--eval-samples', '300', '--max-length', '32'], work);
    const metrics = result.metrics as Record<string, number>;
    expect(metrics.accuracy).toBeCloseTo((train.metrics as Record<string, number>).accuracy, 6);
    expect(result.confusionMatrix).toEqual(train.confusionMatrix);
  });

  it('graft predict labels texts to stdout and to JSONL', async () => {
    const { result } = await graft(['predict', join(out, 'best'), 'a gorgeous, witty, seductive movie.', 'the plot is nothing but boilerplate clichés'], work);
    const predictions = result.predictions as { label: string; score: number; scores: Record<string, number> }[];
    expect(predictions).toHaveLength(2);
    for (const p of predictions) {
      expect(['negative', 'positive']).toContain(p.label);
      expect(p.scores.negative + p.scores.positive).toBeCloseTo(1, 5);
    }
    const jsonl = join(work, 'predictions.jsonl');
    const { result: written } = await graft(
      ['predict', join(out, 'best'), '--file', assetPath('datasets', 'sst2', 'dev.tsv'), '--text-column', 'sentence', '--output', jsonl],
      work,
    );
    expect(written.count).toBe(872);
    expect(readFileSync(jsonl, 'utf8').trim().split('\n')).toHaveLength(872);
  });

  it('graft inspect reports parameters, layers and a memory estimate', async () => {
    const { result } = await graft(['inspect', join(out, 'best'), '--batch-size', '32', '--max-length', '128'], work);
    expect(result.architecture).toBe('BertForSequenceClassification');
    expect(result.parameters).toBe((result.layers as { parameters: number }[])[0].parameters);
    expect(result.trainableShare).toBe(1);
    const memory = result.memory as { weights: number; total: number };
    expect(memory.weights).toBe((result.parameters as number) * 4);
    expect(memory.total).toBeGreaterThan(4 * memory.weights);
  });
});

describe('the commands on the fixture models', () => {
  for (const name of ['bert-seqcls', 'distilbert-seqcls', 'roberta-seqcls']) {
    it(`${name}: train, eval, predict, inspect`, async () => {
      const model = fixtureModelWithTokenizer(name);
      const out = join(work, name);
      const small = ['--train-samples', '64', '--eval-samples', '32', '--max-length', '32'];
      const { result: train } = await graft(
        ['train', model, 'sst2', ...small, '--max-steps', '6', '--per-device-train-batch-size', '8', '--output-dir', out],
        work,
      );
      expect(train.globalStep).toBe(6);
      expect(existsSync(join(out, 'best', 'model.safetensors'))).toBe(true);
      const { result: evaluation } = await graft(['eval', join(out, 'best'), 'sst2', '--eval-samples', '32', '--max-length', '32'], work);
      expect((evaluation.metrics as Record<string, number>).accuracy).toBeCloseTo((train.metrics as Record<string, number>).accuracy, 6);
      const { result: predicted } = await graft(['predict', join(out, 'best'), 'a charming journey'], work);
      expect((predicted.predictions as unknown[]).length).toBe(1);
      const { result: inspected } = await graft(['inspect', model], work);
      expect(inspected.modelType).toBe(name.split('-')[0]);
    }, 120_000);
  }

  it('bert-mlm: pretrain and inspect', async () => {
    const model = fixtureModelWithTokenizer('bert-mlm');
    const { result } = await graft(
      [
        'pretrain',
        assetPath('datasets', 'sst2', 'dev.tsv'),
        '--model',
        model,
        '--max-length',
        '32',
        '--max-steps',
        '4',
        '--per-device-train-batch-size',
        '8',
        '--output-dir',
        join(work, 'mlm-fixture'),
      ],
      work,
    );
    expect(result.globalStep).toBe(4);
    const { result: inspected } = await graft(['inspect', join(work, 'mlm-fixture', 'best')], work);
    expect(inspected.architecture).toBe('BertForMaskedLM');
    expect(inspected.task).toBe('masked-lm');
  }, 120_000);
});

describe('graft pretrain', () => {
  it('the masked-LM loss falls on a small corpus (held-out blocks, fixed masks)', async () => {
    const model = fixtureModelWithTokenizer('bert-mlm');
    const { result } = await graft(
      [
        'pretrain',
        assetPath('datasets', 'sst2', 'dev.tsv'),
        '--model',
        model,
        '--from-scratch',
        '--max-length',
        '32',
        '--num-train-epochs',
        '4',
        '--per-device-train-batch-size',
        '16',
        '--learning-rate',
        '2e-3',
        '--eval-fraction',
        '0.1',
        '--output-dir',
        join(work, 'pretrain'),
      ],
      work,
    );
    const evalLosses = result.evalLosses as number[];
    const trainLosses = result.trainLosses as number[];
    expect(evalLosses).toHaveLength(4);
    // a fresh model over 1,024 tokens starts at ln(1024) ≈ 6.93 (uniform guesses) and learns the frequent tokens first
    expect(trainLosses[0]).toBeGreaterThan(6.5);
    expect(trainLosses.at(-1)).toBeLessThan(trainLosses[0] - 0.5);
    expect(evalLosses.at(-1)).toBeLessThan(Math.log(1024) - 0.5);
    expect(evalLosses.at(-1)).toBeLessThan(evalLosses[0]);
  }, 180_000);

  it('whole-word masking and a fresh model from shape flags', async () => {
    const tokenizerDir = fixtureModelWithTokenizer('bert-mlm');
    const { result } = await graft(
      [
        'pretrain',
        assetPath('datasets', 'sst2', 'dev.tsv'),
        '--tokenizer',
        tokenizerDir,
        '--hidden-size',
        '32',
        '--num-hidden-layers',
        '1',
        '--num-attention-heads',
        '2',
        '--whole-word-mask',
        '--max-length',
        '32',
        '--max-steps',
        '3',
        '--output-dir',
        join(work, 'fresh'),
      ],
      work,
    );
    expect(result.globalStep).toBe(3);
    const config = JSON.parse(readFileSync(join(work, 'fresh', 'best', 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model_type: 'bert', hidden_size: 32, num_hidden_layers: 1, vocab_size: 1024, architectures: ['BertForMaskedLM'] });
  }, 120_000);
});

describe('--resume-from-checkpoint', () => {
  /** Runs `argv` to 6 steps, and again resumed from the first run's checkpoint-3; returns both final weights. */
  async function interruptedAndWhole(name: string, argv: (out: string) => string[]) {
    const { whole, resumed } = await resumedAndWhole(work, name, argv, { step: 3, from: 'checkpoint-3' });
    return [readFileSync(join(whole, 'best', 'model.safetensors')), readFileSync(join(resumed, 'best', 'model.safetensors'))];
  }
  const steps = ['--max-steps', '6', '--save-strategy', 'steps', '--save-steps', '3', '--save-total-limit', '3', '--per-device-train-batch-size', '4'];

  it('graft train continues a run exactly (same final weights as the uninterrupted run)', async () => {
    const model = fixtureModelWithTokenizer('bert-seqcls');
    const [whole, resumed] = await interruptedAndWhole('resume-train', (out) => [
      'train',
      model,
      'sst2',
      '--train-samples',
      '64',
      '--eval-samples',
      '16',
      '--max-length',
      '16',
      ...steps,
      '--eval-strategy',
      'no',
      '--output-dir',
      out,
    ]);
    expect(resumed.equals(whole)).toBe(true);
  }, 120_000);

  it('graft pretrain too: the masking generator is part of the checkpoint', async () => {
    const model = fixtureModelWithTokenizer('bert-mlm');
    const [whole, resumed] = await interruptedAndWhole('resume-pretrain', (out) => [
      'pretrain',
      assetPath('datasets', 'sst2', 'dev.tsv'),
      '--model',
      model,
      '--max-length',
      '16',
      '--eval-fraction',
      '0',
      ...steps,
      '--output-dir',
      out,
    ]);
    expect(resumed.equals(whole)).toBe(true);
  }, 120_000);
});

it('exit codes are numbers scripts can rely on', () => {
  expect(EXIT).toEqual({ ok: 0, failure: 1, usage: 2, data: 3, model: 4, interrupted: 130 });
});
