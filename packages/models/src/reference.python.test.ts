/**
 * transformers loads what Graft saves: fresh models of each kind (weights no fixture has) are
 * written with savePretrained, loaded by the Python reference stack (transformers + torch) with
 * `output_loading_info=True`, and must load with nothing missing or unexpected and give Graft's
 * logits within 1e-5. Skipped, saying so, where `python3 -c 'import transformers, torch'` fails;
 * the fixture comparisons (save.test.ts: byte-identical safetensors, same config.json) always run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, tensor } from '@graft/core';
import { afterAll, describe, expect, it } from 'vitest';
import { BertConfig, RobertaConfig } from './config/bert-config';
import { DistilBertConfig } from './config/distilbert-config';
import { BertForMaskedLM, BertForSequenceClassification } from './modeling/bert';
import { DistilBertForSequenceClassification } from './modeling/distilbert';
import type { ModelOutput } from './modeling/model-io';
import type { AnyPreTrainedModel } from './modeling/pretrained-model';
import { RobertaForMaskedLM, RobertaForSequenceClassification } from './modeling/roberta';
import { savePretrained } from './node';

const probe = spawnSync('python3', ['-c', 'import transformers, torch'], { stdio: 'ignore', timeout: 120_000 });
const hasReference = probe.status === 0;
if (!hasReference) console.log("reference stack absent (python3 -c 'import transformers, torch' failed): skipping the transformers load test");

const SCRIPT = `
import json, sys, torch
from transformers import AutoModelForMaskedLM, AutoModelForSequenceClassification
directory, task, ids, mask = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
cls = AutoModelForMaskedLM if task == 'masked-lm' else AutoModelForSequenceClassification
model, info = cls.from_pretrained(directory, output_loading_info=True)
model.eval()
with torch.no_grad():
    out = model(input_ids=torch.tensor(ids), attention_mask=torch.tensor(mask))
print(json.dumps({'info': {k: sorted(map(str, v)) for k, v in info.items()}, 'logits': out.logits.flatten().tolist(), 'cls': type(model).__name__}))
`;

const root = mkdtempSync(join(tmpdir(), 'graft-reference-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const bertSizes = { vocab_size: 120, hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 32, max_position_embeddings: 40 };
const ids = [
  [2, 17, 33, 45, 3, 0],
  [2, 91, 3, 0, 0, 0],
];
const mask = ids.map((r) => r.map((v) => (v === 0 ? 0 : 1)));
const robertaIds = ids.map((r) => r.map((v) => (v === 0 ? 1 : v)));

describe.skipIf(!hasReference)('transformers loads what Graft saves', () => {
  const cases: [string, () => AnyPreTrainedModel, number[][]][] = [
    [
      'BertForSequenceClassification',
      () => new BertForSequenceClassification(new BertConfig({ ...bertSizes, id2label: { 0: 'a', 1: 'b', 2: 'c' } }), { generator: new Generator(1) }),
      ids,
    ],
    ['BertForMaskedLM', () => new BertForMaskedLM(new BertConfig(bertSizes), { generator: new Generator(2) }), ids],
    [
      'DistilBertForSequenceClassification',
      () =>
        new DistilBertForSequenceClassification(new DistilBertConfig({ vocab_size: 120, dim: 16, n_layers: 2, n_heads: 4, hidden_dim: 32 }), {
          generator: new Generator(3),
        }),
      ids,
    ],
    ['RobertaForSequenceClassification', () => new RobertaForSequenceClassification(new RobertaConfig(bertSizes), { generator: new Generator(4) }), robertaIds],
    ['RobertaForMaskedLM', () => new RobertaForMaskedLM(new RobertaConfig(bertSizes), { generator: new Generator(5) }), robertaIds],
  ];
  for (const [name, make, inputIds] of cases) {
    it(name, { timeout: 180_000 }, async () => {
      const model = make().eval();
      const dir = join(root, name);
      await savePretrained(model, dir);
      const task = name.endsWith('MaskedLM') ? 'masked-lm' : 'sequence-classification';
      const run = spawnSync('python3', ['-c', SCRIPT, dir, task, JSON.stringify(inputIds), JSON.stringify(mask)], { encoding: 'utf8', timeout: 170_000 });
      expect(run.status, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as { info: Record<string, string[]>; logits: number[]; cls: string };
      expect(result.cls).toBe(name);
      expect(result.info.missing_keys).toEqual([]);
      expect(result.info.unexpected_keys).toEqual([]);
      expect(result.info.mismatched_keys ?? []).toEqual([]);
      const ours = (
        model.call({ inputIds: tensor(inputIds, { dtype: 'int32' }), attentionMask: tensor(mask, { dtype: 'int32' }) }) as ModelOutput
      ).logits.dataSync();
      expect(result.logits).toHaveLength(ours.length);
      result.logits.forEach((v, i) => expect(Math.abs(v - ours[i])).toBeLessThan(1e-5));
      model.dispose();
    });
  }
});
