/**
 * Predictions for typed sentences: each run's label, softmax probabilities and raw logits for the
 * same batch of texts. Adapter runs are switched in on the shared model one after another, so a
 * comparison of three adapters costs three forward passes and no extra weights.
 */
import { noGrad, scope, type Tensor } from '@graft/core';
import { padCollate } from '@graft/data';
import type { Prediction } from '../protocol';
import { encodeTexts } from './data-source';
import { PlaygroundError } from './errors';
import type { Session } from './session';

/** Softmax of one row of logits (max-subtracted). */
export function softmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((x) => Math.exp(x - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** Tokens per text when no data is loaded to say (the model's usual limit for short reviews). */
const DEFAULT_MAX_LENGTH = 128;

/** Predictions of every run in `runs` for every text: `[text][run]`. */
export async function predict(session: Session, texts: readonly string[], runs: readonly string[], maxLength = DEFAULT_MAX_LENGTH): Promise<Prediction[][]> {
  session.requireIdle('Predicting');
  const model = session.requireModel();
  const data = session.requireData();
  const clean = texts.map((t) => t.trim()).filter((t) => t.length > 0);
  if (!clean.length) throw new PlaygroundError('bad_label', 'type at least one sentence to classify');
  if (!runs.length) throw new PlaygroundError('run_unknown', 'there is no trained run to predict with yet: train one first');
  const rows = encodeTexts(model.tokenizer, clean, maxLength);
  const collate = padCollate({ padTokenId: model.padTokenId, device: session.device?.backend ?? 'cpu' });
  const out: Prediction[][] = clean.map(() => []);
  for (const name of runs) {
    const net = session.activate(name) as unknown as { call(b: unknown): { logits: Tensor }; eval(): unknown; train(on?: boolean): unknown; training: boolean };
    const wasTraining = net.training;
    net.eval();
    let logits: Tensor;
    try {
      logits = noGrad(() => scope(() => net.call(collate(rows)).logits.keep()));
    } finally {
      net.train(wasTraining);
    }
    const values = Array.from(await logits.data());
    logits.dispose();
    const k = data.info.labels.length;
    clean.forEach((_, i) => {
      const row = values.slice(i * k, (i + 1) * k);
      const probabilities = softmax(row);
      const best = probabilities.indexOf(Math.max(...probabilities));
      out[i].push({ run: name, label: data.info.labels[best], probabilities, logits: row });
    });
  }
  return out;
}
