/**
 * The PEFT fixture (assets/fixtures/peft/bert-seqcls-lora): a LoRA adapter PEFT 0.21 saved for
 * fixtures/models/bert-seqcls (r=4, alpha 8, query+value, SEQ_CLS), and `io.safetensors` with
 * the inputs, PEFT's logits (adapter active), its merged logits (after merge_and_unload), the loss
 * and `grad.<in-memory name>` for every trainable parameter. `runPeftParity` loads the adapter
 * through Graft, runs the same inputs forward and backward, and measures every error.
 *
 * Gradient error is relative per tensor, as in models' parity: max|got − expected| / max|expected|,
 * the denominator at least 1e-6 of the largest expected gradient (below that, float32 noise).
 */
import { readFileSync } from 'node:fs';
import { loadSafetensors, type Tensor } from '@graft/core';
import { fromPretrained, type ModelOutput } from '@graft/models';
import { PeftModel } from '@graft/peft';
import { assetPath } from '../assets';
import { fixtureFiles } from '../models/parity';

/** The fixture's directory. */
export const PEFT_FIXTURE_DIR = assetPath('fixtures', 'peft', 'bert-seqcls-lora');

/** The adapter files PEFT wrote, in memory. */
export function peftFixtureFiles(): Map<string, Uint8Array> {
  return new Map(['adapter_config.json', 'adapter_model.safetensors'].map((n) => [n, new Uint8Array(readFileSync(`${PEFT_FIXTURE_DIR}/${n}`))]));
}

/** The fixture's README.json (counts PEFT printed). */
export function peftFixtureReadme(): { trainable_params: number; all_params: number; trainable_percent: number } {
  return JSON.parse(readFileSync(`${PEFT_FIXTURE_DIR}/README.json`, 'utf8'));
}

/** io.safetensors on the CPU (ids as int32). */
export function peftFixtureIO(): Map<string, Tensor> {
  return loadSafetensors(new Uint8Array(readFileSync(`${PEFT_FIXTURE_DIR}/io.safetensors`))).tensors;
}

/** The base model the adapter was trained on (fixtures/models/bert-seqcls), on `device`. */
export function fixtureBase(device = 'cpu') {
  return fromPretrained(fixtureFiles('bert-seqcls'), { device });
}

/** The worst errors of the fixture on one device. */
export interface PeftParityReport {
  device: string;
  logits: number;
  loss: number;
  mergedLogits: number;
  grad: number;
  gradKey: string;
  gradCount: number;
  /** Fixture gradients without a trainable parameter of that name, and the reverse (both should be empty). */
  unmatchedGradKeys: string[];
  trainableWithoutFixture: string[];
  printed: string;
}

async function maxAbsDiff(a: Tensor, b: Tensor): Promise<number> {
  const [x, y] = [await a.data(), await b.data()];
  if (x.length !== y.length) throw new Error(`size ${x.length} vs ${y.length}`);
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

async function maxAbs(a: Tensor): Promise<number> {
  let m = 0;
  for (const v of await a.data()) m = Math.max(m, Math.abs(v));
  return m;
}

/** Loads the fixture adapter (trainable) onto the fixture model on `device` and measures logits, loss, gradients and merged logits. */
export async function runPeftParity(device = 'cpu'): Promise<PeftParityReport> {
  const io = peftFixtureIO();
  const base = await fixtureBase(device);
  const peft = await PeftModel.fromPretrained(base, peftFixtureFiles(), { isTrainable: true });
  try {
    const on = (k: string) => io.get(k)?.to(device) ?? null;
    const inputs = { inputIds: on('input_ids')!, attentionMask: on('attention_mask'), tokenTypeIds: on('token_type_ids'), labels: on('labels') };
    const out = peft.call(inputs) as ModelOutput;
    out.loss!.backward();
    let printed = '';
    peft.printTrainableParameters((line) => {
      printed = line;
    });
    const report: PeftParityReport = {
      device,
      logits: await maxAbsDiff(out.logits, io.get('logits')!),
      loss: Math.abs((await out.loss!.item()) - (await io.get('loss')!.item())),
      mergedLogits: 0,
      grad: 0,
      gradKey: '',
      gradCount: 0,
      unmatchedGradKeys: [],
      trainableWithoutFixture: [],
      printed,
    };
    const trainable = new Map([...peft.namedParameters()].filter(([, p]) => p.requiresGrad));
    let largest = 0;
    for (const [k, t] of io) if (k.startsWith('grad.')) largest = Math.max(largest, await maxAbs(t));
    for (const [key, p] of trainable) {
      const expected = io.get(`grad.${key}`);
      if (!expected) {
        report.trainableWithoutFixture.push(key);
        continue;
      }
      const err = (await maxAbsDiff(p.grad!, expected)) / Math.max(await maxAbs(expected), 1e-6 * largest);
      report.gradCount++;
      if (err > report.grad) [report.grad, report.gradKey] = [err, key];
    }
    report.unmatchedGradKeys = [...io.keys()].filter((k) => k.startsWith('grad.') && !trainable.has(k.slice(5)));
    const merged = peft.mergeAndUnload();
    const mergedOut = merged.call({ ...inputs, labels: null }) as ModelOutput;
    report.mergedLogits = await maxAbsDiff(mergedOut.logits, io.get('merged_logits')!);
    merged.dispose();
    return report;
  } finally {
    for (const t of io.values()) t.dispose();
  }
}
