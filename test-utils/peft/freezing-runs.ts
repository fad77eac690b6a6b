/**
 * Support for the freezing-strategy tests: the fixture classifiers (BERT, DistilBERT, RoBERTa;
 * 2 layers, 32 wide, 1,024 tokens), learnable token rows for them, weight snapshots, and a short
 * Trainer run, so each test says only which parameters it expects to change.
 */
import { Generator } from '@graft/core';
import { Dataset, padCollate, type TextBatch } from '@graft/data';
import { type AnyPreTrainedModel, fromPretrained } from '@graft/models';
import type { BuiltGroup } from '@graft/nn';
import { memoryCheckpointStore, Trainer, type TrainerCallback, type TrainerOptions } from '@graft/train';
import { fixtureFiles } from '../models/parity';

/** The sequence-classification fixtures. */
export const CLASSIFIER_FIXTURES = ['bert-seqcls', 'distilbert-seqcls', 'roberta-seqcls'] as const;
export type ClassifierFixture = (typeof CLASSIFIER_FIXTURES)[number];

/** A fixture classifier, loaded fresh (same weights every time). */
export function fixtureClassifier(fixture: ClassifierFixture): Promise<AnyPreTrainedModel> {
  return fromPretrained(fixtureFiles(fixture));
}

/** A tokenized row. */
export interface TokenRow {
  inputIds: number[];
  attentionMask: number[];
  label: number;
}

/** `n` rows of 4–11 tokens in [5, 1024); the label is whether most tokens are in the upper half. */
export function tokenRows(n: number, seed = 1): Dataset<TokenRow> {
  const g = new Generator(seed);
  const u = g.uniform(n * 13);
  let k = 0;
  const rows = Array.from({ length: n }, () => {
    const len = 4 + Math.floor(u[k++] * 8);
    const inputIds = Array.from({ length: len }, () => 5 + Math.floor(u[k++] * 1019));
    const label = inputIds.filter((t) => t >= 512).length * 2 > len ? 1 : 0;
    return { inputIds, attentionMask: inputIds.map(() => 1), label };
  });
  return Dataset.fromRows(rows);
}

/** Every parameter's values by name. */
export function snapshot(model: AnyPreTrainedModel): Map<string, Float32Array> {
  return new Map([...model.namedParameters()].map(([name, p]) => [name, (p.dataSync() as Float32Array).slice()]));
}

/** The names whose values differ from `before`, in model order. */
export function changedSince(model: AnyPreTrainedModel, before: Map<string, Float32Array>): string[] {
  const out: string[] = [];
  for (const [name, p] of model.namedParameters()) {
    const a = before.get(name)!;
    const b = p.dataSync();
    if (a.some((v, i) => v !== b[i])) out.push(name);
  }
  return out;
}

/** Options of {@link shortRun}. */
export interface ShortRunOptions {
  steps: number;
  callbacks?: TrainerCallback[];
  parameterGroups?: BuiltGroup[];
  store?: ReturnType<typeof memoryCheckpointStore>;
  rows?: Dataset<TokenRow>;
  args?: Record<string, unknown>;
}

/** A Trainer over `rows` (48 by default, batches of 4) for `steps` steps, AdamW with weight decay 0.1 (so a decayed frozen weight would show). */
export function shortRunTrainer(model: AnyPreTrainedModel, opts: ShortRunOptions): Trainer<TokenRow, TextBatch> {
  const padTokenId = (model.config as { pad_token_id?: number }).pad_token_id ?? 0;
  const options: TrainerOptions<TokenRow, TextBatch> = {
    model,
    args: {
      learningRate: 1e-3,
      maxSteps: opts.steps,
      perDeviceTrainBatchSize: 4,
      weightDecay: 0.1,
      evalStrategy: 'no',
      saveStrategy: 'no',
      loggingSteps: 1,
      seed: 3,
      ...opts.args,
    },
    trainDataset: opts.rows ?? tokenRows(48),
    collate: padCollate({ padTokenId }),
    callbacks: opts.callbacks,
    store: opts.store ?? memoryCheckpointStore(),
    ...(opts.parameterGroups ? { parameterGroups: opts.parameterGroups } : {}),
  };
  return new Trainer(options);
}
