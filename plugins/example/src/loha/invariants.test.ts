/**
 * LoHa held to the shared PEFT invariant suite through the public `@graft/peft/testing` entry, as
 * any method from outside @graft/peft must be: only adapter tensors train, disabled is the base
 * model exactly, PEFT-format files round-trip, and merged equals unmerged. Cases: a small nn model
 * (rank and alpha patterns, modules_to_save, dropout) and the BERT fixture with PEFT's defaults for
 * SEQ_CLS (query and value adapted, the classifier trained in full).
 */
import { tensor } from '@graft/core';
import { fromPretrained } from '@graft/models/node';
import { registerPeftMethod } from '@graft/peft';
import { peftInvariantChecks, type PeftInvariantCase } from '@graft/peft/testing';
import { describe, it } from 'vitest';
import { assetPath, TinyTextClassifier, tinyBatch } from '../test-model';
import { lohaMethod } from './method';

registerPeftMethod(lohaMethod);

const bertDir = assetPath('fixtures', 'models', 'bert-seqcls');

const cases: PeftInvariantCase[] = [
  {
    name: 'a small classifier, patterns, dropout and modules_to_save',
    model: (device) => new TinyTextClassifier(5, device),
    batch: (device) => tinyBatch(device),
    config: {
      peft_type: 'LOHA',
      target_modules: ['proj', 'classifier'],
      r: 2,
      alpha: 4,
      rank_pattern: { classifier: 3 },
      alpha_pattern: { proj: 8 },
      rank_dropout: 0.1,
      module_dropout: 0.1,
    },
  },
  {
    name: 'BERT, SEQ_CLS defaults (query, value, classifier trained)',
    model: (device) => fromPretrained(bertDir, { device }),
    batch: (device) => ({
      inputIds: tensor(
        [
          [2, 41, 512, 77, 3],
          [2, 900, 12, 3, 0],
        ],
        { dtype: 'int32', device },
      ),
      attentionMask: tensor(
        [
          [1, 1, 1, 1, 1],
          [1, 1, 1, 1, 0],
        ],
        { dtype: 'int32', device },
      ),
      labels: tensor([1, 0], { dtype: 'int32', device }),
    }),
    config: { peft_type: 'LOHA', task_type: 'SEQ_CLS', r: 4, alpha: 8 },
  },
];

for (const c of cases) {
  describe(`LOHA invariants: ${c.name}`, () => {
    for (const check of peftInvariantChecks(c)) it(check.name, check.run);
  });
}
