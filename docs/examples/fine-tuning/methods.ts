/**
 * What each fine-tuning method trains, on one model: the embedded BERT set up for SST-2 with
 * full fine-tuning, the head only and the lower layers frozen (`applyFreezing`), LoRA, (IA)³ and
 * BitFit (`getPeftModel`). For each,
 * the trainable parameters and their share, the memory held after a training step (weights,
 * and AdamW's two moments for every trainable parameter), and the time of a step on one batch.
 * How much accuracy each method reaches is the benchmark's question (see the methods guide);
 * this shows what they cost. Runs in Node and in the browser.
 *
 *   tsx docs/examples/fine-tuning/methods.ts
 */
import { memory, scope } from '@graft/core';
import { padCollate } from '@graft/data';
import { type BertForSequenceClassification, fromPretrained, loadTokenizer, type ModelFilesLike, type ModelOutput } from '@graft/models';
import { AdamW, type AnyModule } from '@graft/nn';
import { applyFreezing, getPeftModel } from '@graft/peft';
import { isMain } from '../is-main';

/** One method: how it prepares a freshly loaded model for training. */
type Method = (model: BertForSequenceClassification) => AnyModule;

/** The methods compared, by name. */
export const METHODS: Record<string, Method> = {
  // every parameter trains
  full: (m) => (applyFreezing(m, 'full'), m),
  // the heads outside the base model train (the classifier); the body, pooler included, is frozen as with PEFT's defaults
  'head only': (m) => (applyFreezing(m, 'head'), m),
  // the embeddings and the lowest of the two layers are frozen; the top layer, pooler and classifier train
  'freeze lower layers': (m) => (applyFreezing(m, 'freeze:1'), m),
  // low-rank updates of query and value (r = 8), the classifier trained in full: PEFT's defaults
  LoRA: (m) => getPeftModel(m, { peft_type: 'LORA', task_type: 'SEQ_CLS', r: 8, lora_alpha: 32 }),
  // a learned scale per feature of key, value and the feed-forward output
  '(IA)³': (m) => getPeftModel(m, { peft_type: 'IA3', task_type: 'SEQ_CLS' }),
  // only the biases (and the classifier)
  BitFit: (m) => getPeftModel(m, { peft_type: 'BITFIT', task_type: 'SEQ_CLS' }),
};

/** A row of the printed table. */
export interface MethodCost {
  method: string;
  trainable: number;
  share: number;
  liveMiB: number;
  msPerStep: number;
}

/** Loads the model once per method, trains `steps` steps on one batch of 32 sentences, and prints the table. */
export async function compareMethods(files: ModelFilesLike, log: (line: string) => void, opts: { steps?: number } = {}): Promise<MethodCost[]> {
  const { steps = 4 } = opts;
  const tokenizer = await loadTokenizer(files);
  const sentences = Array.from({ length: 32 }, (_, i) => (i % 2 ? 'a gorgeous, witty, seductive movie.' : 'the plot is nothing but boilerplate clichés.'));
  const rows = tokenizer.encodeBatch(sentences).map((e, i) => ({ inputIds: e.ids, attentionMask: e.attentionMask, label: i % 2 }));
  log(`${'method'.padEnd(20)} ${'trainable'.padStart(10)} ${'share'.padStart(8)} ${'live MiB'.padStart(9)} ${'ms/step'.padStart(8)}`);
  const results: MethodCost[] = [];
  for (const [name, prepare] of Object.entries(METHODS)) {
    const model = prepare((await fromPretrained(files, { task: 'sequence-classification', numLabels: 2, seed: 0 })) as BertForSequenceClassification);
    model.train();
    const all = model.numParameters();
    const trainable = model.numParameters({ trainableOnly: true });
    const opt = new AdamW(
      model.parameters().filter((p) => p.requiresGrad),
      { lr: 1e-4 },
    );
    const times: number[] = [];
    for (let s = 0; s < steps; s++) {
      const started = performance.now();
      const loss = scope(() => {
        const out = model.call(padCollate({ padTokenId: 0 })(rows)) as ModelOutput;
        out.loss!.backward();
        opt.step();
        opt.zeroGrad();
        return out.loss!;
      });
      await loss.item(); // wait for the device before stopping the clock
      loss.dispose();
      times.push(performance.now() - started);
    }
    const live = Object.values(memory().devices).reduce((n, d) => n + d.bytes, 0);
    const row = {
      method: name,
      trainable,
      share: trainable / all,
      liveMiB: live / 2 ** 20,
      msPerStep: times.slice(1).sort((a, b) => a - b)[Math.floor((times.length - 1) / 2)],
    };
    results.push(row);
    log(
      `${name.padEnd(20)} ${trainable.toLocaleString('en-US').padStart(10)} ${`${(100 * row.share).toFixed(2)}%`.padStart(8)} ${row.liveMiB.toFixed(1).padStart(9)} ${row.msPerStep.toFixed(0).padStart(8)}`,
    );
    opt.disposeState();
    model.dispose();
  }
  return results;
}

if (isMain(import.meta.url))
  void import('@graft/models/node').then(({ dirFiles }) => compareMethods(dirFiles('assets/models/bert-tiny-imdb-mlm'), console.log));
