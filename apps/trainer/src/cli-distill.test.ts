/**
 * `graft distill` in process on the fixture BERT (2 layers, 32 wide): a teacher fine-tuned with
 * `graft train`, a one-layer student built from its config and started from its first layer, a
 * few steps each. The student in best/ loads back and predicts; its metrics.jsonl carries the
 * loss's terms; offline logits are computed once and then read back; and every wrong flag is one
 * line and exit 2 before anything trains.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSafetensors } from '@graft/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetPath } from '../../../test-utils/assets';
import { fixtureModelWithTokenizer } from '../../../test-utils/model-tokenizers';
import { EXIT } from './exit-codes';
import { graftJson, graftOk, resumedAndWhole, SMALL_RUN } from './test-in-process';
import { readReportData } from './report/report-html';

const work = mkdtempSync(join(tmpdir(), 'graft-cli-distill-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const small = SMALL_RUN;
let teacher: string;

/** `graft distill sst2` from the teacher into `student`: a small run with `flags`. */
const distillArgv = (student: string, ...flags: string[]) => ['distill', 'sst2', '--teacher', teacher, '--student', student, ...small, ...flags];

function tensorsOf(path: string): Map<string, string> {
  const { tensors } = loadSafetensors(new Uint8Array(readFileSync(path)));
  return new Map([...tensors].map(([k, t]) => [k, String(t.dataSync())]));
}

beforeAll(async () => {
  const bert = fixtureModelWithTokenizer('bert-seqcls');
  const out = join(work, 'teacher');
  await graftOk(['train', bert, 'sst2', ...small, '--max-steps', '4', '--learning-rate', '1e-2', '--output-dir', out], work);
  teacher = join(out, 'best');
}, 60_000);

describe('graft distill', () => {
  it('trains a one-layer student started from the teacher, saves it as an HF checkpoint and reports the terms', async () => {
    const out = join(work, 'student');
    const { result, stderr } = await graftOk(
      distillArgv('layers=1', '--max-steps', '4', '--alpha', 'linear:0.9:0.5', '--hidden', '--attention', '--output-dir', out),
      work,
    );
    expect(stderr).toMatch(/student starts from the teacher's layers 0 \(\d+ tensors copied\)/);
    expect(result.studentLayers).toEqual([0]);
    expect(result.globalStep).toBe(4);
    // one layer of 8,544 fewer than the teacher's 53,154
    expect(result.allParameters).toBe(53_154 - 8_544);
    expect(result.teacherParameters).toBe(53_154);
    const best = join(out, 'best');
    expect(readdirSync(best).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    const config = JSON.parse(readFileSync(join(best, 'config.json'), 'utf8'));
    expect(config.num_hidden_layers).toBe(1);
    expect(config.id2label).toEqual({ 0: 'negative', 1: 'positive' });
    // the student trained: its layer moved away from the teacher's layer 0 it started from
    const t = tensorsOf(join(teacher, 'model.safetensors'));
    const s = tensorsOf(join(best, 'model.safetensors'));
    expect(s.get('bert.encoder.layer.0.attention.self.query.weight')).not.toBe(t.get('bert.encoder.layer.0.attention.self.query.weight'));
    expect(s.has('bert.encoder.layer.1.attention.self.query.weight')).toBe(false);
    // every logged step carries the loss's terms and the scheduled alpha, falling from 0.9
    const logs = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((r) => r.soft_loss !== undefined);
    expect(logs.length).toBeGreaterThan(0);
    for (const r of logs)
      for (const k of ['loss', 'soft_loss', 'hard_loss', 'hidden_loss', 'attention_loss', 'alpha', 'temperature']) expect(Number.isFinite(r[k]), k).toBe(true);
    expect(logs[0].alpha).toBeLessThanOrEqual(0.9);
    expect(logs.at(-1).alpha).toBeLessThan(logs[0].alpha);
    const report = readReportData(readFileSync(join(out, 'report.html'), 'utf8'));
    expect(report.method).toMatchObject({ name: 'distill', all: 53_154 - 8_544 });
    // the student is an ordinary checkpoint: graft predict and eval load it
    const { result: predicted } = await graftOk(['predict', best, 'a charming journey'], work);
    expect((predicted.predictions as { label: string }[])[0].label).toMatch(/^(negative|positive)$/);
  }, 60_000);

  it('offline: computes the teacher logits once, then reads them back and trains the same', async () => {
    const cache = join(work, 'cache');
    const run = async (name: string) =>
      (await graftOk(distillArgv('layers=1', '--max-steps', '3', '--cache-teacher-logits', cache, '--output-dir', join(work, name)), work)).result;
    const first = await run('offline-1');
    const second = await run('offline-2');
    expect((first.cache as { hit: boolean }).hit).toBe(false);
    expect((second.cache as { hit: boolean }).hit).toBe(true);
    expect((second.cache as { path: string }).path).toBe((first.cache as { path: string }).path);
    expect(readdirSync(cache)).toHaveLength(1);
    // same seed, same logits: the same student, bit for bit
    const weights = (name: string) => readFileSync(join(work, name, 'best', 'model.safetensors'));
    expect(weights('offline-2').equals(weights('offline-1'))).toBe(true);
    expect((second.metrics as Record<string, number>).loss).toBe((first.metrics as Record<string, number>).loss);
  }, 60_000);

  it('a student config.json of another width learns through a projection, and keeps its own initialisation', async () => {
    const narrow = join(work, 'narrow.json');
    const base = JSON.parse(readFileSync(join(teacher, 'config.json'), 'utf8'));
    writeFileSync(narrow, JSON.stringify({ ...base, hidden_size: 16, intermediate_size: 32, num_attention_heads: 2, num_hidden_layers: 1 }));
    const { result, stderr } = await graftOk(distillArgv(narrow, '--max-steps', '2', '--hidden', '--output-dir', join(work, 'narrow')), work);
    expect(stderr).toMatch(/student keeps its own initialisation/);
    expect(result.studentLayers).toBeNull();
    // the projection (16 → 32 and a bias) trains beside the student
    expect(result.trainableParameters).toBe(result.allParameters);
    expect(JSON.parse(readFileSync(join(work, 'narrow', 'best', 'config.json'), 'utf8')).hidden_size).toBe(16);
  }, 60_000);

  it('resumes exactly, projections and all', async () => {
    const narrow = join(work, 'narrow-resume.json');
    const base = JSON.parse(readFileSync(join(teacher, 'config.json'), 'utf8'));
    writeFileSync(narrow, JSON.stringify({ ...base, hidden_size: 16, intermediate_size: 32, num_attention_heads: 2, num_hidden_layers: 1 }));
    const argv = (out: string) =>
      distillArgv(narrow, '--hidden', '--max-steps', '4', '--save-strategy', 'steps', '--save-steps', '2', '--eval-strategy', 'no', '--output-dir', out);
    const { whole, resumed: part } = await resumedAndWhole(work, 'distill', argv, { step: 2 });
    const weights = (dir: string) => readFileSync(join(dir, 'checkpoint-4', 'model.safetensors'));
    expect(weights(part).equals(weights(whole))).toBe(true);
    const student = (dir: string) => readFileSync(join(dir, 'best', 'model.safetensors'));
    expect(student(part).equals(student(whole))).toBe(true);
  }, 60_000);

  /** [argv after `distill sst2`, stderr pattern]: exit 2, nothing trained */
  const bad: [string[], RegExp][] = [
    [['--student', 'layers=1'], /needs --teacher DIR/],
    [['--teacher', 'TEACHER'], /needs --student: a model folder, a config\.json, or layers=N/],
    [['--teacher', 'TEACHER', '--student', 'layers=5'], /--student layers=5: N must be a whole number from 1 to the teacher's 2 layers/],
    [['--teacher', 'TEACHER', '--student', 'nowhere'], /--student nowhere: no such file or folder/],
    [['--teacher', 'TEACHER', '--student', 'layers=1', '--alpha', 'fast'], /--alpha: /],
    [['--teacher', 'TEACHER', '--student', 'layers=1', '--alpha', '1.5'], /--alpha must be in \[0, 1\]/],
    [['--teacher', 'TEACHER', '--student', 'layers=1', '--temperature', '0'], /--temperature must be more than 0/],
    [['--teacher', 'TEACHER', '--student', 'layers=1', '--layer-map', '1:2'], /--layer-map applies to --hidden, which is not set/],
    [['--teacher', 'TEACHER', '--student', 'layers=1', '--hidden', '--layer-map', '1-2'], /--layer-map: .*is not student:teacher/],
    [['--teacher', 'TEACHER', '--student', 'layers=1', '--hidden', '--cache-teacher-logits', 'c'], /--cache-teacher-logits keeps only the teacher’s logits/],
    [['--teacher', 'TEACHER', '--student', 'layers=1', '--keep-layers', 'top'], /--keep-layers takes teacher layer indices/],
  ];
  it.each(bad)('%j', async (flags, pattern) => {
    const argv = flags.map((f) => (f === 'TEACHER' ? teacher : f));
    const { code, stderr } = await graftJson(['distill', 'sst2', ...argv, '--output-dir', join(work, 'never')], work);
    expect(code).toBe(EXIT.usage);
    expect(stderr.trim().split('\n').at(-1)).toMatch(pattern);
    expect(existsSync(join(work, 'never'))).toBe(false);
  });

  it('refuses a teacher without a trained classifier (a pretrained checkpoint)', async () => {
    const { code, stderr } = await graftJson(
      ['distill', 'sst2', '--teacher', assetPath('models', 'bert-tiny-imdb-mlm'), '--student', 'layers=1', ...small, '--output-dir', join(work, 'never')],
      work,
    );
    expect(code).toBe(EXIT.usage);
    expect(stderr).toMatch(/has no trained classifier/);
  }, 60_000);
});
