/**
 * Adapters trained by `graft train --method lora|ia3|bitfit` on the embedded checkpoint
 * (assets/models/bert-tiny-imdb-mlm, 2 layers, 128 wide, no pooler weights), two steps each: the
 * adapter folder loads back in @graft/peft with exactly the trained model's logits (its missing
 * pooler, drawn at random and frozen, saved with it), and `graft merge` writes an HF checkpoint
 * computing them within 1e-5 (LoRA, IA³ and BitFit alike; prompt tuning, which does not merge,
 * is checked on the reload).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSafetensors, noGrad } from '@graft/core';
import { fromPretrained } from '@graft/models/node';
import { getPeftModel } from '@graft/peft';
import { PeftModel } from '@graft/peft/node';
import { afterAll, describe, expect, it } from 'vitest';
import { assetPath } from '../../../test-utils/assets';
import { graftOk, SMALL_RUN as small } from './test-in-process';
import { paddedBatch } from './test-inputs';

const work = mkdtempSync(join(tmpdir(), 'graft-cli-embedded-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('on the embedded checkpoint', () => {
  // its pooler is not in the checkpoint (pretrained without next-sentence prediction): drawn at
  // random, frozen as in PEFT, and saved with the adapter so that the adapter is the trained model
  const embedded = assetPath('models', 'bert-tiny-imdb-mlm');
  const inputs = () =>
    paddedBatch([
      [101, 2023, 3185, 2001, 6429, 102],
      [101, 6659, 102, 0, 0, 0],
    ]);
  /** A fresh base, its missing pooler and head drawn with another seed than the run's, so only what the adapter saved can match. */
  const base = () => fromPretrained(embedded, { task: 'sequence-classification', id2label: ['negative', 'positive'], seed: 11 });

  /** [method and flags, trainable parameters (the classifier is 2 · 128 + 2)] */
  const cases: [string[], number][] = [
    // r 8 on query and value (128 wide) of 2 layers; the pooler stays frozen
    [['--method', 'lora', '--lora-r', '8', '--lora-alpha', '32'], 2 * 2 * (8 * 128 + 128 * 8) + 258],
    // key and value, and the input of both output.dense layers (128 and 512), in 2 layers
    [['--method', 'ia3'], 2 * (128 + 128 + 128 + 512) + 258],
    // every bias, the pooler's included (it trains in BitFit)
    [['--method', 'bitfit'], 128 + 2 * (7 * 128 + 512) + 128 + 258],
    // a prompt-learning method (its in-memory and file keys are laid out otherwise): 8 virtual tokens of width 128
    [['--method', 'prompt', '--num-virtual-tokens', '8'], 8 * 128 + 258],
  ];
  it.each(cases)(
    "%j: the adapter folder loads back with the trained model's logits exactly, and merges to them",
    async (flags, trainable) => {
      const out = join(work, `embedded-${flags[1]}`);
      const { result, stderr } = await graftOk(
        ['train', embedded, 'sst2', ...small, '--max-steps', '2', '--learning-rate', '1e-2', ...flags, '--output-dir', out],
        work,
      );
      expect(result.trainableParameters).toBe(trainable);
      expect(stderr).toMatch(
        /bert\.pooler\.dense: not in the base checkpoint, so initialised at random; kept (frozen|as BitFit trains it) but saved with the adapter/,
      );
      const best = join(out, 'best');
      const config = JSON.parse(readFileSync(join(best, 'adapter_config.json'), 'utf8'));
      expect(config.modules_to_save).toEqual(expect.arrayContaining(['classifier', 'bert.pooler.dense']));
      // the model as trained: the Trainer's final state (base, adapter, head and pooler) in PEFT's in-memory layout
      const trained = getPeftModel(await base(), config);
      trained.loadStateDict(loadSafetensors(new Uint8Array(readFileSync(join(out, 'model.safetensors')))).tensors);
      const loaded = await PeftModel.fromPretrained(await base(), best);
      const [a, b, c] = noGrad(() =>
        [trained, loaded, loaded].map(
          (m, i) => (i < 2 ? m.eval().call(inputs()) : m.withAdaptersDisabled(() => m.call(inputs()))).logits!.dataSync() as Float32Array,
        ),
      );
      expect([...b]).toEqual([...a]);
      // and the adapter did something
      expect(Math.max(...a.map((x, i) => Math.abs(x - c[i])))).toBeGreaterThan(1e-4);
      if (flags[1] === 'prompt') return; // prompt tuning does not merge
      // its merge is an HF checkpoint computing the same logits
      const merged = join(work, `embedded-${flags[1]}-merged`);
      await graftOk(['merge', embedded, best, '--output', merged], work);
      const plain = await fromPretrained(merged);
      const m = noGrad(() => plain.eval().call(inputs()).logits!.dataSync() as Float32Array);
      expect(Math.max(...m.map((x, i) => Math.abs(x - a[i])))).toBeLessThan(1e-5);
    },
    60_000,
  );
  it('warns when an adapter targets a module the checkpoint lacks, and leaves PEFT’s targets as they are', async () => {
    const out = join(work, 'embedded-all-linear');
    const { stderr } = await graftOk(
      ['train', embedded, 'sst2', ...small, '--max-steps', '1', '--method', 'lora', '--target-modules', 'all-linear', '--output-dir', out],
      work,
    );
    expect(stderr).toMatch(/bert\.pooler\.dense: not in the base checkpoint \(initialised at random\) and adapted by lora/);
    const config = JSON.parse(readFileSync(join(out, 'best', 'adapter_config.json'), 'utf8'));
    expect(config.modules_to_save).not.toContain('bert.pooler.dense');
    const { tensors } = loadSafetensors(new Uint8Array(readFileSync(join(out, 'best', 'adapter_model.safetensors'))));
    expect([...tensors.keys()]).toContain('base_model.model.bert.pooler.dense.lora_A.weight');
  }, 60_000);
});
