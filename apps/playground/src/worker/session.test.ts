/**
 * The worker's session in Node, on the CPU, without a browser: runs train through the same code
 * the worker runs (checkpoints in memory instead of OPFS), adapters swap in place on one base
 * model, and head-only training leaves the encoder as it was.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { noGrad, type Tensor } from '@graft/core';
import { padCollate } from '@graft/data';
import { memoryFiles } from '@graft/models';
import { dirFiles, fromPretrained } from '@graft/models/node';
import { memoryCheckpointStore } from '@graft/train';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunSpec, WorkerEvent } from '../protocol';
import { loadData } from './data-source';
import { exportAdapter, exportMerged } from './exports';
import { loadModelSource } from './model-source';
import { predict } from './predict';
import { Session } from './session';
import { executeRun, RunControl, runModel } from './training';

const MODEL_DIR = fileURLToPath(new URL('../../../../assets/models/bert-tiny-imdb-mlm', import.meta.url));
const REVIEWS = fileURLToPath(new URL('../../e2e/fixtures/reviews.jsonl', import.meta.url));
const TEXTS = ['a gorgeous, witty, seductive movie.', 'boring, long and pointless.'];

function spec(name: string, method: RunSpec['method'], learningRate: number): RunSpec {
  return {
    name,
    method,
    lora: { r: 4, alpha: 8, dropout: 0, targets: ['query', 'value'] },
    train: {
      learningRate,
      numTrainEpochs: 1,
      maxSteps: 3,
      batchSize: 8,
      warmupRatio: 0,
      weightDecay: 0,
      saveSteps: 100,
      evalSteps: 100,
      loggingSteps: 1,
      seed: 1,
      unfreezeEvery: 1,
    },
  };
}

let session: Session;

/** A run folder in memory (the worker's is in OPFS). */
const memoryFolder = () => ({ store: memoryCheckpointStore(), persistent: false });
/** The events the first run posted. */
let firstEvents: WorkerEvent[] = [];

/** Trains run `s` to its end in the session; returns the events it posted. */
async function train(s: RunSpec): Promise<WorkerEvent[]> {
  const events: WorkerEvent[] = [];
  const { model, info } = await runModel(session, s);
  session.runs.set(s.name, { spec: s, info, model });
  await executeRun(session, s, model, info, memoryFolder(), new RunControl(() => {}), false, (e) => events.push(e));
  return events;
}

beforeAll(async () => {
  session = new Session();
  session.device = { backend: 'cpu', label: 'CPU', webgpuAvailable: false, webgpuNote: null, threads: 1, crossOriginIsolated: false };
  session.model = await loadModelSource({ kind: 'embedded', url: 'models/bert-tiny-imdb-mlm' }, dirFiles(MODEL_DIR));
  const file = new File([readFileSync(REVIEWS)], 'reviews.jsonl');
  session.data = await loadData({ kind: 'file', file }, { maxLength: 24, seed: 0 }, session.model.tokenizer, 'http://localhost/');
  session.dataOptions = { maxLength: 24, seed: 0 };
  // two adapters on the one base, trained as the worker trains them
  firstEvents = await train(spec('a', 'lora', 5e-3));
  await train(spec('b', 'lora', 1e-2));
});

describe('Session', () => {
  it('keeps several adapters on one base model and swaps them in place for predictions', async () => {
    expect(firstEvents.filter((e) => e.type === 'progress' && e.event.kind === 'step').length).toBe(3);
    expect(firstEvents.at(-1)).toMatchObject({ type: 'state', state: 'done' });
    const a = session.run('a');
    const b = session.run('b');
    // one PeftModel holds both adapters: no second copy of the base
    expect(a.model).toBe(b.model);
    expect(a.info).toMatchObject({ adapter: true, method: 'lora' });
    expect(a.info.trainable).toBeLessThan(a.info.total / 10);

    const both = await predict(session, TEXTS, ['a', 'b'], 24);
    expect(both.map((row) => row.map((p) => p.run))).toEqual([
      ['a', 'b'],
      ['a', 'b'],
    ]);
    expect(both[0][0].logits).not.toEqual(both[0][1].logits);
    for (const row of both) for (const p of row) expect(p.probabilities.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 6);
    // swapping back to 'a' gives exactly what 'a' gave before
    const again = await predict(session, TEXTS, ['a'], 24);
    expect(again.map((row) => row[0].logits)).toEqual(both.map((row) => row[0].logits));
  });

  it("downloads an adapter in PEFT's files and a merged checkpoint in HF's, both giving the page's logits", async () => {
    const [[page]] = await predict(session, TEXTS.slice(0, 1), ['a'], 24);
    const adapter = await exportAdapter(session, 'a');
    expect(adapter.fileName).toBe('a-adapter.zip');
    expect(adapter.files.map((f) => f.name).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
    expect(JSON.parse(new TextDecoder().decode(adapter.files.find((f) => f.name === 'adapter_config.json')!.bytes))).toMatchObject({
      peft_type: 'LORA',
      r: 4,
      modules_to_save: ['pooler', 'classifier', 'score'],
    });

    const merged = await exportMerged(session, 'a');
    const files = new Map(merged.files.map((f) => [f.name, f.bytes]));
    for (const name of ['config.json', 'model.safetensors', 'tokenizer.json']) expect(files.has(name)).toBe(true);
    const model = await fromPretrained(memoryFiles(files), { task: 'sequence-classification' });
    model.eval();
    const tokenizer = session.requireModel().tokenizer;
    const e = tokenizer.encode(TEXTS[0]);
    const logits = noGrad(
      () =>
        (model as unknown as { call(b: unknown): { logits: Tensor } }).call(
          padCollate()([{ inputIds: e.ids, attentionMask: e.attentionMask, tokenTypeIds: e.typeIds }]),
        ).logits,
    );
    const merged0 = Array.from(logits.dataSync());
    // merging folds B·A into the weights: the same function, up to float32 rounding
    for (let k = 0; k < 2; k++) expect(merged0[k]).toBeCloseTo(page.logits[k], 4);
    // the adapters on the page are untouched by the merge
    const [[after]] = await predict(session, TEXTS.slice(0, 1), ['a'], 24);
    expect(after.logits).toEqual(page.logits);
  });

  it("trains only the head with @graft/peft's head-only strategy, and leaves the encoder as it was", async () => {
    const { model, info, freezing } = await runModel(session, spec('head', 'head', 1e-2));
    const named = new Map(model.namedParameters());
    const training = [...named].filter(([, p]) => p.requiresGrad).map(([n]) => n);
    expect(training.sort()).toEqual(['classifier.bias', 'classifier.weight']);
    expect(info).toMatchObject({ adapter: false, trainable: 2 * 128 + 2 });
    const before = Array.from(named.get('bert.encoder.layer.0.attention.self.query.weight')!.dataSync());
    const head = Array.from(named.get('classifier.weight')!.dataSync());
    session.runs.set('head', { spec: spec('head', 'head', 1e-2), info, model });
    await executeRun(session, spec('head', 'head', 1e-2), model, info, memoryFolder(), new RunControl(() => {}), false, () => {}, freezing);
    expect(Array.from(named.get('bert.encoder.layer.0.attention.self.query.weight')!.dataSync())).toEqual(before);
    expect(Array.from(named.get('classifier.weight')!.dataSync())).not.toEqual(head);
  });

  it('unfreezes gradually on schedule, top first, and says so as each stage opens', async () => {
    const s = spec('gradual', 'gradual', 1e-2);
    s.train.unfreezeEvery = 2;
    const opened: { stage: number; modules: readonly string[]; step: number }[] = [];
    const { model, info, freezing } = await runModel(session, s, (e) => opened.push(e));
    const named = new Map(model.namedParameters());
    // by the end, everything may train; at the start only the head does
    expect(info.trainable).toBe(info.total);
    expect(
      [...named]
        .filter(([, p]) => p.requiresGrad)
        .map(([n]) => n)
        .sort(),
    ).toEqual(['classifier.bias', 'classifier.weight']);
    const snapshot = (name: string) => Array.from(named.get(name)!.dataSync());
    const embeddings = snapshot('bert.embeddings.word_embeddings.weight');
    const lower = snapshot('bert.encoder.layer.0.attention.self.query.weight');
    const top = snapshot('bert.encoder.layer.1.attention.self.query.weight');
    session.runs.set('gradual', { spec: s, info, model });
    await executeRun(session, s, model, info, memoryFolder(), new RunControl(() => {}), false, () => {}, freezing);
    expect(opened.map((e) => [e.stage, e.step])).toEqual([[1, 2]]);
    expect(opened[0].modules).toEqual(['bert.encoder.layer.1', 'bert.pooler']);
    // three steps opened the top layer only: it trained in step 3, the lower layer and the embeddings are as loaded
    expect(snapshot('bert.encoder.layer.1.attention.self.query.weight')).not.toEqual(top);
    expect(snapshot('bert.embeddings.word_embeddings.weight')).toEqual(embeddings);
    expect(snapshot('bert.encoder.layer.0.attention.self.query.weight')).toEqual(lower);
  });

  it('names the runs it has when asked for one it does not', () => {
    expect(() => session.run('nope')).toThrow(/runs: a, b/);
  });
});
