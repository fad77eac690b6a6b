/**
 * Python PEFT loads what Graft saves: adapters trained a few steps in Graft (LoRA with PEFT's
 * defaults for SEQ_CLS, LoRA with DoRA on all linear layers, (IA)³, prompt and prefix tuning) are written with
 * `savePeftAdapter`, loaded by the reference stack with `PeftModel.from_pretrained` onto the
 * fixture base model, and must give Graft's logits within 1e-5, with and without merging (for
 * the methods that merge).
 * Skipped, saying so, where `python3 -c 'import peft, transformers, torch'` fails; the fixture
 * comparisons (adapter-files.test.ts: same keys, shapes, dtypes and config fields as PEFT's own
 * file, and the fixture re-saved byte for byte) always run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scope } from '@graft/core';
import type { ModelOutput } from '@graft/models';
import { AdamW } from '@graft/nn';
import { afterAll, describe, expect, it } from 'vitest';
import { assetPath } from '../../../test-utils/assets';
import { fixtureBase, peftFixtureIO } from '../../../test-utils/peft/fixture';
import { savePeftAdapter } from './node';
import { getPeftModel, type PeftConfigInput } from './peft-model';
import { peftMethod } from './registry';

const probe = spawnSync('python3', ['-c', 'import peft, transformers, torch'], { stdio: 'ignore', timeout: 120_000 });
const hasReference = probe.status === 0;
if (!hasReference) console.log("reference stack absent (python3 -c 'import peft, transformers, torch' failed): skipping the PEFT load test");

const SCRIPT = `
import json, sys, torch
from transformers import AutoModelForSequenceClassification
from peft import PeftModel
base_dir, adapter_dir, ids, mask, types, can_merge = sys.argv[1], sys.argv[2], *[json.loads(a) for a in sys.argv[3:7]]
model = PeftModel.from_pretrained(AutoModelForSequenceClassification.from_pretrained(base_dir), adapter_dir)
model.eval()
inputs = dict(input_ids=torch.tensor(ids), attention_mask=torch.tensor(mask), token_type_ids=torch.tensor(types))
with torch.no_grad():
    logits = model(**inputs).logits.flatten().tolist()
    merged = model.merge_and_unload()(**inputs).logits.flatten().tolist() if can_merge else logits
print(json.dumps({'logits': logits, 'merged': merged}))
`;

const root = mkdtempSync(join(tmpdir(), 'graft-peft-reference-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cases: [string, PeftConfigInput][] = [
  ['lora-defaults', { peft_type: 'LORA', task_type: 'SEQ_CLS', r: 8, lora_alpha: 32 }],
  ['lora-dora-all-linear', { peft_type: 'LORA', task_type: 'SEQ_CLS', r: 4, target_modules: 'all-linear', use_dora: true, use_rslora: true }],
  ['ia3', { peft_type: 'IA3', task_type: 'SEQ_CLS' }],
  // prompt learning does not merge: its merged logits are its logits
  ['prompt-tuning', { peft_type: 'PROMPT_TUNING', task_type: 'SEQ_CLS', num_virtual_tokens: 4 }],
  ['prefix-tuning', { peft_type: 'PREFIX_TUNING', task_type: 'SEQ_CLS', num_virtual_tokens: 4 }],
];

describe.skipIf(!hasReference)('Python PEFT loads what Graft saves', () => {
  for (const [name, config] of cases) {
    it(name, { timeout: 180_000 }, async () => {
      const io = peftFixtureIO();
      const batch = {
        inputIds: io.get('input_ids')!,
        attentionMask: io.get('attention_mask'),
        tokenTypeIds: io.get('token_type_ids'),
        labels: io.get('labels'),
      };
      const peft = getPeftModel(await fixtureBase(), config, { warn: () => {} });
      const opt = new AdamW(
        peft.parameters().filter((p) => p.requiresGrad),
        { lr: 0.05 },
      );
      peft.train();
      for (let i = 0; i < 3; i++) {
        scope(() => {
          (peft.call(batch) as ModelOutput).loss!.backward();
          opt.step();
          opt.zeroGrad();
        });
      }
      peft.eval();
      const ours = Array.from((peft.call({ ...batch, labels: null }) as ModelOutput).logits.dataSync());
      const dir = join(root, name);
      await savePeftAdapter(peft, dir);
      const args = [
        ...['input_ids', 'attention_mask', 'token_type_ids'].map((k) => JSON.stringify(io.get(k)!.arraySync())),
        JSON.stringify(peftMethod(config.peft_type).canMerge),
      ];
      const run = spawnSync('python3', ['-c', SCRIPT, assetPath('fixtures', 'models', 'bert-seqcls'), dir, ...args], { encoding: 'utf8', timeout: 170_000 });
      expect(run.status, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as { logits: number[]; merged: number[] };
      result.logits.forEach((v, i) => expect(Math.abs(v - ours[i])).toBeLessThan(1e-5));
      result.merged.forEach((v, i) => expect(Math.abs(v - ours[i])).toBeLessThan(1e-5));
      peft.dispose();
    });
  }
});
