import {
  DTypeError,
  decodeFloat16Array,
  encodeFloat16Array,
  type GraftError,
  parseSafetensors,
  serializeSafetensors,
  type TensorToWrite,
  tensor,
} from '@graft/core';
import { describe, expect, it } from 'vitest';
import { fixtureFiles, fixtureIO, type ModelFixture } from '../../../../test-utils/models/parity';
import { fromPretrained } from '../auto';
import { BertConfig } from '../config/bert-config';
import { type CheckpointError, ModelFileError, UnsupportedModelError } from '../errors';
import { memoryFiles } from '../files/model-files';
import { BertForMaskedLM, BertForSequenceClassification, BertModel } from '../modeling/bert';
import type { ModelOutput } from '../modeling/model-io';
import { RobertaForSequenceClassification } from '../modeling/roberta';
import { formatLoadingInfo } from './loading-info';

/** A fixture's files with model.safetensors rewritten by `edit` (which gets and returns the tensor list). */
async function editedFiles(fixture: ModelFixture, edit: (tensors: TensorToWrite[]) => TensorToWrite[], config?: (json: Record<string, unknown>) => void) {
  const src = fixtureFiles(fixture);
  const weights = parseSafetensors((await src.read('model.safetensors'))!);
  const list = [...weights.tensors.values()].map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, bytes: t.bytes }) as TensorToWrite);
  const json = JSON.parse(new TextDecoder().decode((await src.read('config.json'))!));
  config?.(json);
  return memoryFiles(
    { 'config.json': new TextEncoder().encode(JSON.stringify(json)), 'model.safetensors': serializeSafetensors(edit(list), { format: 'pt' }) },
    `edited ${fixture}`,
  );
}

/** Float32 values of a stored F32 tensor. */
function values(t: TensorToWrite): Float32Array {
  const b = t.bytes!;
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** The error `fn` rejects with. */
async function rejection<E extends GraftError>(fn: () => Promise<unknown>): Promise<E> {
  try {
    await fn();
  } catch (e) {
    return e as E;
  }
  throw new Error('expected a rejection');
}

/** The fixture's logits from a model loaded with `files`. */
async function logitsOf(model: { call(x: object): unknown }, fixture: ModelFixture): Promise<Float32Array> {
  const io = fixtureIO(fixture);
  const out = model.call({ inputIds: io.get('input_ids')!, attentionMask: io.get('attention_mask'), tokenTypeIds: io.get('token_type_ids') }) as ModelOutput;
  return (await out.logits.data()) as Float32Array;
}

describe('fromPretrained', () => {
  it('loads every tensor of a task checkpoint, exactly, into the matching class', async () => {
    const model = await BertForSequenceClassification.fromPretrained(fixtureFiles('bert-seqcls'));
    expect(model.loadingInfo).toEqual({ missing: [], unexpected: [], newlyInitialized: [], mismatched: [] });
    const stored = parseSafetensors((await fixtureFiles('bert-seqcls').read('model.safetensors'))!).tensors;
    const sd = model.stateDict();
    expect(Object.keys(sd).sort()).toEqual([...stored.keys()].sort());
    for (const [k, raw] of stored) expect(Array.from(sd[k].dataSync())).toEqual(Array.from(values(raw as TensorToWrite)));
    expect(model.training).toBe(false);
    model.dispose();
  });

  it('loads a base checkpoint (no prefix) into a task model, initialising the head', async () => {
    const files = await editedFiles('bert-seqcls', (ts) => ts.filter((t) => t.name.startsWith('bert.')).map((t) => ({ ...t, name: t.name.slice(5) })));
    const model = await BertForSequenceClassification.fromPretrained(files, { seed: 1 });
    expect(model.loadingInfo!.newlyInitialized).toEqual(['classifier.weight', 'classifier.bias']);
    expect(model.loadingInfo!.unexpected).toEqual([]);
    const reference = await BertModel.fromPretrained(fixtureFiles('bert-seqcls'));
    const io = fixtureIO('bert-seqcls');
    const inputs = { inputIds: io.get('input_ids')!, attentionMask: io.get('attention_mask'), tokenTypeIds: io.get('token_type_ids') };
    const a = model.bert.call(inputs).lastHiddenState.dataSync();
    expect(Array.from(a)).toEqual(Array.from(reference.call(inputs).lastHiddenState.dataSync()));
    const expected = io.get('last_hidden_state')!.dataSync();
    expect(Math.max(...Array.from(a, (v, i) => Math.abs(v - expected[i])))).toBeLessThan(1e-4);
    model.dispose();
    reference.dispose();
  });

  it('loads a task checkpoint into a base model, reporting the head as unused', async () => {
    const model = await BertModel.fromPretrained(fixtureFiles('bert-seqcls'));
    expect(model.loadingInfo!.unexpected.sort()).toEqual(['classifier.bias', 'classifier.weight']);
    expect(model.loadingInfo!.missing).toEqual([]);
    expect(Object.keys(model.stateDict())).toContain('pooler.dense.weight');
    model.dispose();
  });

  it('initialises a missing pooler and a new head with the seeded generator, as transformers’ _init_weights', async () => {
    const a = await BertForSequenceClassification.fromPretrained(fixtureFiles('bert-mlm'), { seed: 3 });
    const b = await BertForSequenceClassification.fromPretrained(fixtureFiles('bert-mlm'), { seed: 3 });
    const c = await BertForSequenceClassification.fromPretrained(fixtureFiles('bert-mlm'), { seed: 4 });
    expect(a.loadingInfo!.newlyInitialized).toEqual(['bert.pooler.dense.weight', 'bert.pooler.dense.bias', 'classifier.weight', 'classifier.bias']);
    expect(a.loadingInfo!.unexpected.every((k) => k.startsWith('cls.predictions.'))).toBe(true);
    const w = Array.from(a.classifier.weight.dataSync());
    expect(w).toEqual(Array.from(b.classifier.weight.dataSync()));
    expect(w).not.toEqual(Array.from(c.classifier.weight.dataSync()));
    expect(Array.from(a.classifier.bias!.dataSync())).toEqual([0, 0]);
    expect(Array.from(a.bert.pooler!.dense.bias!.dataSync()).every((v) => v === 0)).toBe(true);
    const pooler = Array.from(a.bert.pooler!.dense.weight.dataSync());
    const std = Math.sqrt(pooler.reduce((s, v) => s + v * v, 0) / pooler.length);
    expect(std).toBeGreaterThan(0.015);
    expect(std).toBeLessThan(0.025);
    for (const m of [a, b, c]) m.dispose();
  });

  it('reports like transformers and logs the report', async () => {
    const logged: string[] = [];
    const model = await BertForSequenceClassification.fromPretrained(fixtureFiles('bert-mlm'), { log: (m) => logged.push(m) });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/were not used when initializing BertForSequenceClassification: \['cls\.predictions/);
    expect(logged[0]).toMatch(/newly initialized: \['bert\.pooler\.dense\.weight', 'bert\.pooler\.dense\.bias', 'classifier\.weight', 'classifier\.bias'\]/);
    expect(formatLoadingInfo({ missing: [], unexpected: [], newlyInitialized: [], mismatched: [] }, 'X', 'y')).toBe('');
    model.dispose();
  });

  it('reads F16 and BF16 checkpoints (widened to float32)', async () => {
    for (const dtype of ['F16', 'BF16'] as const) {
      const files = await editedFiles('bert-seqcls', (ts) => ts.map((t) => ({ name: t.name, dtype, shape: t.shape, data: values(t) })));
      const model = await BertForSequenceClassification.fromPretrained(files);
      const w = model.classifier.weight.dataSync();
      expect(model.classifier.weight.dtype).toBe('float32');
      if (dtype === 'F16') {
        const stored = parseSafetensors((await fixtureFiles('bert-seqcls').read('model.safetensors'))!).tensors.get('classifier.weight')!;
        const original = values(stored as TensorToWrite);
        expect(Array.from(w)).toEqual(Array.from(decodeFloat16Array(encodeFloat16Array(original))));
      }
      const logits = await logitsOf(model, 'bert-seqcls');
      const expected = fixtureIO('bert-seqcls').get('logits')!.dataSync();
      logits.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(dtype === 'F16' ? 5e-3 : 3e-2));
      model.dispose();
    }
  });

  it('keeps float16 only on a device that holds it (the CPU does not)', async () => {
    const e = await rejection(() => BertForSequenceClassification.fromPretrained(fixtureFiles('bert-seqcls'), { dtype: 'float16' }));
    expect(e).toBeInstanceOf(DTypeError);
  });

  it('reads sharded checkpoints and fails on an index naming a shard that is not there', async () => {
    const model = await BertForSequenceClassification.fromPretrained(fixtureFiles('bert-seqcls'));
    const files = model.toPretrainedFiles({ maxShardSize: 60_000 });
    expect([...files.keys()].filter((k) => k.startsWith('model-')).length).toBeGreaterThan(2);
    expect(files.has('model.safetensors')).toBe(false);
    const sharded = await BertForSequenceClassification.fromPretrained(files);
    expect(Array.from(await logitsOf(sharded, 'bert-seqcls'))).toEqual(Array.from(await logitsOf(model, 'bert-seqcls')));
    const shard = [...files.keys()].find((k) => k.startsWith('model-00002'))!;
    const broken = new Map(files);
    broken.delete(shard);
    const e = await rejection<ModelFileError>(() => BertForSequenceClassification.fromPretrained(broken));
    expect([e.code, e.file]).toEqual(['model_file_missing', shard]);
    for (const m of [model, sharded]) m.dispose();
  });

  it('changes the number of labels only with ignoreMismatchedSizes, as transformers', async () => {
    const e = await rejection<CheckpointError>(() => BertForSequenceClassification.fromPretrained(fixtureFiles('bert-seqcls'), { numLabels: 3 }));
    expect(e.code).toBe('checkpoint_shape_mismatch');
    expect(e.mismatches).toEqual([
      { key: 'classifier.weight', expected: [3, 32], found: [2, 32] },
      { key: 'classifier.bias', expected: [3], found: [2] },
    ]);
    expect(e.message).toMatch(/classifier\.weight: expected \[3, 32\], found \[2, 32\]/);
    expect(e.message).toMatch(/ignoreMismatchedSizes/);
    const model = await BertForSequenceClassification.fromPretrained(fixtureFiles('bert-seqcls'), {
      id2label: ['neg', 'neu', 'pos'],
      ignoreMismatchedSizes: true,
    });
    expect(model.config.num_labels).toBe(3);
    expect(model.loadingInfo!.mismatched.map((m) => m.key)).toEqual(['classifier.weight', 'classifier.bias']);
    expect(model.loadingInfo!.newlyInitialized).toEqual(['classifier.weight', 'classifier.bias']);
    expect((await logitsOf(model, 'bert-seqcls')).length).toBe(9);
    model.dispose();
  });

  it('fails, listing them, on missing backbone tensors, wrong shapes and integer weights', async () => {
    const missing = await editedFiles('bert-seqcls', (ts) => ts.filter((t) => !t.name.includes('layer.1.output.dense')));
    const e1 = await rejection<CheckpointError>(() => BertForSequenceClassification.fromPretrained(missing));
    expect(e1.code).toBe('checkpoint_missing_tensors');
    expect([...e1.keys].sort()).toEqual(['bert.encoder.layer.1.output.dense.bias', 'bert.encoder.layer.1.output.dense.weight']);
    expect(e1.message).toContain('bert.encoder.layer.1.output.dense.weight');

    const wrongConfig = await editedFiles(
      'bert-seqcls',
      (ts) => ts,
      (json) => void (json.vocab_size = 1000),
    );
    const e2 = await rejection<CheckpointError>(() => BertForSequenceClassification.fromPretrained(wrongConfig));
    expect(e2.code).toBe('checkpoint_shape_mismatch');
    expect(e2.message).toContain('bert.embeddings.word_embeddings.weight: expected [1000, 32], found [1024, 32]');

    const ints = await editedFiles('bert-seqcls', (ts) =>
      ts.map((t) => (t.name === 'classifier.bias' ? { name: t.name, dtype: 'I32' as const, shape: t.shape, data: new Int32Array([1, 2]) } : t)),
    );
    const e3 = await rejection<CheckpointError>(() => BertForSequenceClassification.fromPretrained(ints));
    expect([e3.code, e3.keys]).toEqual(['checkpoint_dtype', ['classifier.bias']]);
  });

  it('ignores stored tied aliases and the position_ids buffer, and renames LayerNorm gamma/beta', async () => {
    const files = await editedFiles('bert-mlm', (ts) => {
      const word = ts.find((t) => t.name === 'bert.embeddings.word_embeddings.weight')!;
      const renamed = ts.map((t) => ({ ...t, name: t.name.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta') }));
      return [
        ...renamed,
        { ...word, name: 'cls.predictions.decoder.weight' },
        { name: 'bert.embeddings.position_ids', dtype: 'I64', shape: [1, 64], data: new BigInt64Array(64).map((_, i) => BigInt(i)) },
      ];
    });
    const model = await BertForMaskedLM.fromPretrained(files);
    expect(model.loadingInfo).toEqual({ missing: [], unexpected: [], newlyInitialized: [], mismatched: [] });
    const logits = await logitsOf(model, 'bert-mlm');
    const expected = fixtureIO('bert-mlm').get('logits')!.dataSync();
    expect(Math.max(...Array.from(logits, (v, i) => Math.abs(v - expected[i])))).toBeLessThan(1e-4);
    // the decoder is the word embedding matrix itself
    expect(model.cls.predictions.decoder.weight).toBe(model.bert.embeddings.word_embeddings.weight);
    model.dispose();
  });

  it('fails with typed errors naming the file on bad config.json and missing or broken weights', async () => {
    const ok = fixtureFiles('bert-seqcls');
    const config = (await ok.read('config.json'))!;
    const weights = (await ok.read('model.safetensors'))!;
    const text = (s: string) => new TextEncoder().encode(s);
    const cases: [Record<string, Uint8Array>, string, string][] = [
      [{ 'model.safetensors': weights }, 'model_file_missing', 'config.json'],
      [{ 'config.json': text('{"model_type": "bert",'), 'model.safetensors': weights }, 'model_file_invalid', 'config.json'],
      [{ 'config.json': text('[1, 2]'), 'model.safetensors': weights }, 'model_file_invalid', 'config.json'],
      [{ 'config.json': config }, 'model_file_missing', 'model.safetensors'],
      [{ 'config.json': config, 'model.safetensors': weights.subarray(0, 1000) }, 'model_file_invalid', 'model.safetensors'],
      [{ 'config.json': config, 'model.safetensors.index.json': text('{"weight_map": {"a": "../x"}}') }, 'model_file_invalid', 'model.safetensors.index.json'],
    ];
    for (const [files, code, file] of cases) {
      const e = await rejection<ModelFileError>(() => fromPretrained(files));
      expect(e, `${code} ${file}`).toBeInstanceOf(ModelFileError);
      expect([e.code, e.file]).toEqual([code, file]);
      expect(e.message).toContain(file);
    }
    const bad = await rejection(() => fromPretrained({ 'config.json': text('{"model_type": "bert", "hidden_size": -4}'), 'model.safetensors': weights }));
    expect(bad.message).toMatch(/config\.json: field 'hidden_size'/);
  });

  it('picks the class from model_type and task or architectures[0], and lists what is supported otherwise', async () => {
    const mlm = await fromPretrained(fixtureFiles('bert-mlm'));
    expect(mlm).toBeInstanceOf(BertForMaskedLM);
    const base = await fromPretrained(fixtureFiles('bert-mlm'), { task: 'base' });
    expect(base).toBeInstanceOf(BertModel);
    const roberta = await fromPretrained(fixtureFiles('roberta-seqcls'));
    expect(roberta).toBeInstanceOf(RobertaForSequenceClassification);
    for (const m of [mlm, base, roberta]) m.dispose();

    const weights = (await fixtureFiles('bert-seqcls').read('model.safetensors'))!;
    const withConfig = (json: object) => ({ 'config.json': new TextEncoder().encode(JSON.stringify(json)), 'model.safetensors': weights });
    const e1 = await rejection(() => fromPretrained(withConfig({ model_type: 'gpt2' })));
    expect(e1).toBeInstanceOf(UnsupportedModelError);
    expect(e1.message).toMatch(/model_type 'gpt2' is not supported \(supported: bert, distilbert, roberta\)/);
    const e2 = await rejection(() =>
      fromPretrained(withConfig({ ...new BertConfig({ hidden_size: 32, num_attention_heads: 4 }).toJSON(), architectures: ['BertForPreTraining'] })),
    );
    expect(e2).toBeInstanceOf(UnsupportedModelError);
    expect(e2.message).toMatch(/BertForSequenceClassification/);
    const e3 = await rejection(() => fromPretrained(withConfig({ model_type: 'distilbert' }), { task: 'question-answering' }));
    expect(e3.message).toMatch(/has no 'question-answering' model \(it has: base, sequence-classification, masked-lm\)/);
    const e4 = await rejection(() => fromPretrained(withConfig({ hidden_size: 32 })));
    expect(e4.message).toMatch(/model_type/);
  });

  it('applies config overrides by their config.json names, and problemType', async () => {
    const model = await BertForSequenceClassification.fromPretrained(fixtureFiles('bert-seqcls'), {
      config: { hidden_dropout_prob: 0, attention_probs_dropout_prob: 0.2, my_field: 'kept' },
      problemType: 'multi_label_classification',
    });
    expect([model.config.hidden_dropout_prob, model.config.attention_probs_dropout_prob, model.config.problem_type]).toEqual([
      0,
      0.2,
      'multi_label_classification',
    ]);
    expect(model.dropout.p).toBe(0);
    expect(JSON.parse(new TextDecoder().decode(model.toPretrainedFiles().get('config.json'))).my_field).toBe('kept');
    await expect(BertForSequenceClassification.fromPretrained(fixtureFiles('bert-seqcls'), { config: { hidden_size: 'big' } })).rejects.toMatchObject({
      code: 'model_config',
      field: 'hidden_size',
    });
    model.dispose();
  });

  it('refuses a config of another model type for a class', async () => {
    const e = await rejection(() => BertForSequenceClassification.fromPretrained(fixtureFiles('roberta-seqcls')));
    expect(e.message).toMatch(/'model_type' is "roberta", but this is a 'bert' config/);
  });

  it('moves the loaded model to the requested device', async () => {
    const model = await BertForSequenceClassification.fromPretrained(fixtureFiles('bert-seqcls'), { device: 'cpu' });
    expect(model.classifier.weight.device).toBe('cpu');
    const out = model.call({ inputIds: tensor([[5, 6, 7]], { dtype: 'int32' }) });
    expect(out.logits.shape).toEqual([1, 2]);
    model.dispose();
  });
});
