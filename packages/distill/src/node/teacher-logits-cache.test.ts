/**
 * The teacher-logits cache on disk: a miss runs the teacher once and writes the file; a hit
 * loads it without running the teacher; the step then reads logits by example index and gives
 * what the live teacher gives; another teacher, other rows or a damaged file are misses.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, noGrad } from '@graft/core';
import { Dataset } from '@graft/data';
import { Trainer } from '@graft/train';
import { afterAll, describe, expect, it } from 'vitest';
import { tinyBert, tinyBertCollate, tokenRows } from '../../../../test-utils/distill/tiny-berts';
import { DistillationModel } from '../distillation-model';
import { distillationStep } from '../distillation-step';
import { DistillError } from '../errors';
import { fingerprintFiles, fingerprintModule, fingerprintRows } from './fingerprint';
import { prepareDistillation } from './prepare-distillation';
import { cachedTeacherLogits, readTeacherLogits } from './teacher-logits-cache';

const dir = mkdtempSync(join(tmpdir(), 'graft-distill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A teacher that counts its forward passes. */
function countingTeacher(seed: number) {
  const model = tinyBert({ hidden: 32, layers: 2, seed, initializerRange: 0.3 });
  const calls = { n: 0 };
  model.addForwardHook(() => {
    calls.n++;
    return undefined;
  });
  return { model, calls };
}

const rows = tokenRows(40, 1);
const ctx = (globalStep = 0) => ({ globalStep, epoch: 0, microStep: 0, accumulationSteps: 1, training: true, generator: new Generator(0) });

describe('cachedTeacherLogits', () => {
  it('runs the teacher on a miss, not on a hit, and the step then gives what the live teacher gives', async () => {
    const { model: teacher, calls } = countingTeacher(1);
    const miss = await cachedTeacherLogits({ dir, teacher, rows, collate: tinyBertCollate, batchSize: 16 });
    expect(miss.hit).toBe(false);
    expect(calls.n).toBe(3); // 40 rows in batches of 16
    expect(miss.logits.logits.shape).toEqual([40, 3]);
    expect(readdirSync(dir)).toEqual([`teacher-logits-${miss.fingerprint.slice(0, 32)}.safetensors`]); // no temporary left behind
    const hit = await cachedTeacherLogits({ dir, teacher, rows, collate: tinyBertCollate, batchSize: 16 });
    expect(hit.hit).toBe(true);
    expect(calls.n).toBe(3); // the teacher did not run
    expect(Array.from(hit.logits.logits.dataSync())).toEqual(Array.from(miss.logits.logits.dataSync()));

    // the offline step: no teacher, logits by the batch's idx (rows 7, 3, 21 in that order)
    const student = tinyBert({ hidden: 16, layers: 1, seed: 2 });
    const batch = tinyBertCollate([rows[7], rows[3], rows[21]]);
    const offline = distillationStep({ student, cachedLogits: hit.logits, alpha: 0.6, temperature: 3 })(batch, ctx());
    expect(calls.n).toBe(3);
    const live = distillationStep({ student, teacher, alpha: 0.6, temperature: 3 })(batch, ctx());
    expect(calls.n).toBe(4);
    expect(offline.loss.itemSync()).toBeCloseTo(live.loss.itemSync(), 6);

    const { idx: _, ...noIdx } = batch;
    const offlineStep = distillationStep({ student, cachedLogits: hit.logits });
    expect(() => offlineStep(noIdx, ctx())).toThrow(/no 'idx' field.*dataset\.map\(\(_, i\) => \(\{ idx: i \}\)\)/);
    const far = tinyBertCollate([{ ...rows[0], idx: 40 }]);
    expect(() => offlineStep(far, ctx())).toThrow(/example index 40 is outside the cached teacher logits \(40 examples\)/);
    expect(() => distillationStep({ student, cachedLogits: hit.logits, attention: true })).toThrow(/cached logits do not hold: pass teacher/);
  });

  it('misses for another teacher, other rows, another max length, and replaces a damaged file', async () => {
    const { model: teacher, calls } = countingTeacher(1);
    const base = { dir, teacher, rows, collate: tinyBertCollate };
    const first = await cachedTeacherLogits(base);
    expect(first.hit).toBe(true); // written by the test above, for the same weights and rows
    const other = countingTeacher(9);
    expect((await cachedTeacherLogits({ ...base, teacher: other.model })).hit).toBe(false);
    expect((await cachedTeacherLogits({ ...base, rows: rows.slice(0, 39) })).hit).toBe(false);
    expect((await cachedTeacherLogits({ ...base, maxLength: 12 })).hit).toBe(false);
    expect((await cachedTeacherLogits({ ...base, cacheKey: { tokenizer: 'bert-tiny' } })).hit).toBe(false);
    // training the teacher changes its fingerprint
    noGrad(() => teacher.classifier.bias!.assign(teacher.classifier.bias!.add(1)));
    expect((await cachedTeacherLogits(base)).hit).toBe(false);
    // a damaged file is recomputed and rewritten
    const written = await cachedTeacherLogits({ ...base, teacherFingerprint: 'teacher-files-v1' });
    expect(written.hit).toBe(false);
    writeFileSync(written.path, 'garbage');
    const before = calls.n;
    const again = await cachedTeacherLogits({ ...base, teacherFingerprint: 'teacher-files-v1' });
    expect(again.hit).toBe(false);
    expect(calls.n).toBe(before + 2); // 40 rows in the default batches of 32
    expect((await cachedTeacherLogits({ ...base, teacherFingerprint: 'teacher-files-v1' })).hit).toBe(true);
    await expect(readTeacherLogits(join(dir, 'nope.safetensors'))).rejects.toThrow(DistillError);
    await expect(readTeacherLogits(again.path, 'another fingerprint')).rejects.toThrow(/another teacher or dataset/);
  });

  it('fingerprints weights, files and rows', async () => {
    const a = tinyBert({ hidden: 16, layers: 1, seed: 1 });
    expect(await fingerprintModule(a)).toBe(await fingerprintModule(tinyBert({ hidden: 16, layers: 1, seed: 1 })));
    expect(await fingerprintModule(a)).not.toBe(await fingerprintModule(tinyBert({ hidden: 16, layers: 1, seed: 2 })));
    writeFileSync(join(dir, 'f.bin'), 'abc');
    const f1 = await fingerprintFiles(join(dir, 'f.bin'));
    writeFileSync(join(dir, 'f.bin'), 'abd');
    expect(await fingerprintFiles(join(dir, 'f.bin'))).not.toBe(f1);
    await expect(fingerprintFiles(join(dir, 'missing'))).rejects.toThrow(DistillError);
    // key order does not matter; a Dataset's own fingerprint is used
    expect(fingerprintRows([{ a: 1, b: [2] }])).toBe(fingerprintRows([{ b: [2], a: 1 }]));
    const ds = Dataset.fromRows(rows);
    expect(fingerprintRows(ds)).toBe(ds.fingerprint);
  });

  it('a cached run in the Trainer never runs the teacher (prepareDistillation, student from the teacher)', async () => {
    const { model: teacher, calls } = countingTeacher(3);
    const student = tinyBert({ hidden: 32, layers: 1, seed: 4 });
    const train = Dataset.fromRows(rows);
    const prepared = await prepareDistillation({
      teacher,
      student,
      initFromTeacher: true,
      alpha: 0.5,
      cache: { dir, rows: train, collate: tinyBertCollate },
    });
    expect(prepared.init!.layers).toEqual([0]);
    expect(prepared.cache!.hit).toBe(false);
    expect(prepared.model).toBe(student);
    const passes = calls.n;
    const trainer = new Trainer({
      model: prepared.model,
      trainStep: prepared.step,
      args: { maxSteps: 6, perDeviceTrainBatchSize: 8, learningRate: 1e-2, loggingSteps: 3, evalStrategy: 'no', saveStrategy: 'no' },
      trainDataset: train,
      collate: tinyBertCollate,
    });
    await trainer.train();
    expect(calls.n).toBe(passes);
    const logs = trainer.state.logHistory.filter((e) => e.loss !== undefined);
    expect(logs.at(-1)!.soft_loss).toBeLessThan(logs[0].soft_loss);
    await expect(prepareDistillation({ teacher, student, hidden: true, cache: { dir, rows: train, collate: tinyBertCollate } })).rejects.toThrow(
      /cache holds only logits/,
    );
  });

  it("initFromTeacher 'auto' copies when the shapes allow, and otherwise learns through projections", async () => {
    const teacher = tinyBert({ hidden: 32, layers: 2, seed: 3 });
    const same = await prepareDistillation({ teacher, student: tinyBert({ hidden: 32, layers: 1, seed: 4 }), initFromTeacher: 'auto', hidden: true });
    expect(same.init!.layers).toEqual([0]);
    expect(same.initSkipped).toBeNull();
    // each layer learns from the one it was copied from
    expect(same.step.hiddenDistiller!.pairs).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect(same.model).toBe(same.student);
    const narrow = await prepareDistillation({ teacher, student: tinyBert({ hidden: 16, layers: 1, seed: 4 }), initFromTeacher: 'auto', hidden: true });
    expect(narrow.init).toBeNull();
    expect(narrow.initSkipped).toMatch(/shapes differ: 'bert\.embeddings\.word_embeddings\.weight' \[60, 16\] ← .* \[60, 32\]/);
    expect(narrow.model).toBeInstanceOf(DistillationModel);
    expect(narrow.step.hiddenDistiller!.pairs).toEqual([
      [0, 0],
      [1, 2],
    ]);
    await expect(prepareDistillation({ teacher, student: tinyBert({ hidden: 16, layers: 1, seed: 4 }), initFromTeacher: true })).rejects.toThrow(DistillError);
  });
});
