/**
 * Parity of @graft/models with transformers: each fixture in assets/fixtures/models is a small
 * randomly initialised model saved by `save_pretrained`, with `io.safetensors` holding its inputs
 * and what transformers computed from them in eval mode (logits, loss, last hidden state, and
 * `grad.<key>` = d loss / d parameter). `runParity` loads the model through `fromPretrained`, runs
 * the same inputs forward and backward on a device, and returns the worst error of each quantity.
 *
 * Gradient error is relative per tensor: max|got − expected| / max|expected| (the largest
 * absolute error over the tensor's largest expected magnitude), so one tensor's scale does not
 * hide another's error and a near-zero element does not blow up the ratio. The denominator is at
 * least 1e-6 of the largest expected gradient in the model: below that, values are float32
 * rounding noise. That matters for the attention key biases, whose true gradient is exactly zero
 * (softmax ignores a shift shared by all keys): transformers recorded 1e-13 there, pure noise.
 */
import { readFileSync } from 'node:fs';
import { loadSafetensors, type Tensor } from '@graft/core';
import { fromPretrained, memoryFiles, type ModelOutput } from '@graft/models';
import { assetPath } from '../assets';

/** The model fixtures. */
export const MODEL_FIXTURES = ['bert-seqcls', 'distilbert-seqcls', 'roberta-seqcls', 'bert-mlm'] as const;
export type ModelFixture = (typeof MODEL_FIXTURES)[number];

/** The worst errors of one fixture on one device. */
export interface ParityReport {
  fixture: ModelFixture;
  device: string;
  /** max |got − expected| over the logits. */
  logits: number;
  /** max |got − expected| over the last hidden state (null when the fixture does not record it). */
  lastHiddenState: number | null;
  /** |got − expected| of the loss. */
  loss: number;
  /** The worst relative gradient error (see the file comment), and its parameter. */
  grad: number;
  gradKey: string;
  /** Parameters compared, and the fixture's gradient keys the model has no parameter for (should be empty). */
  gradCount: number;
  unmatchedGradKeys: string[];
  /** Parameters of the model without a recorded gradient (should be empty). */
  paramsWithoutFixture: string[];
}

/** The files of a fixture's model directory, in memory. */
export function fixtureFiles(fixture: ModelFixture) {
  const dir = assetPath('fixtures', 'models', fixture);
  return memoryFiles({ 'config.json': readFileSync(`${dir}/config.json`), 'model.safetensors': readFileSync(`${dir}/model.safetensors`) }, dir);
}

/** The fixture's io.safetensors tensors (on the CPU; ids as int32). */
export function fixtureIO(fixture: ModelFixture): Map<string, Tensor> {
  return loadSafetensors(new Uint8Array(readFileSync(assetPath('fixtures', 'models', fixture, 'io.safetensors')))).tensors;
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

/** Runs one fixture on `device` and measures every error. */
export async function runParity(fixture: ModelFixture, device = 'cpu'): Promise<ParityReport> {
  const io = fixtureIO(fixture);
  const model = await fromPretrained(fixtureFiles(fixture), { device });
  try {
    const on = (k: string) => io.get(k)?.to(device) ?? null;
    const out = model.call({
      inputIds: on('input_ids')!,
      attentionMask: on('attention_mask'),
      tokenTypeIds: on('token_type_ids'),
      labels: on('labels'),
    }) as ModelOutput;
    out.loss!.backward();
    const report: ParityReport = {
      fixture,
      device,
      logits: await maxAbsDiff(out.logits, io.get('logits')!),
      lastHiddenState: io.has('last_hidden_state') ? await maxAbsDiff(out.lastHiddenState!, io.get('last_hidden_state')!) : null,
      loss: Math.abs((await out.loss!.item()) - (await io.get('loss')!.item())),
      grad: 0,
      gradKey: '',
      gradCount: 0,
      unmatchedGradKeys: [],
      paramsWithoutFixture: [],
    };
    const params = new Map(model.namedParameters());
    let largest = 0;
    for (const [k, t] of io) if (k.startsWith('grad.')) largest = Math.max(largest, await maxAbs(t));
    for (const [key, p] of params) {
      const expected = io.get(`grad.${key}`);
      if (!expected) {
        report.paramsWithoutFixture.push(key);
        continue;
      }
      const scale = Math.max(await maxAbs(expected), 1e-6 * largest);
      const err = (await maxAbsDiff(p.grad!, expected)) / scale;
      report.gradCount++;
      if (err > report.grad) [report.grad, report.gradKey] = [err, key];
    }
    report.unmatchedGradKeys = [...io.keys()].filter((k) => k.startsWith('grad.') && !params.has(k.slice(5)));
    return report;
  } finally {
    model.dispose();
    for (const t of io.values()) t.dispose();
  }
}
