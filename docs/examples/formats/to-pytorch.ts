/**
 * Files for PyTorch: after a short LoRA run on the embedded BERT, write the adapter as PEFT's
 * `save_pretrained` writes it, and the merged model as transformers' `save_pretrained` writes it
 * (with the tokenizer), then load both back into Graft and check they give the same logits. The
 * Python that continues from these folders is in the formats guide. Node only (it writes folders).
 *
 *   tsx docs/examples/formats/to-pytorch.ts
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { padCollate } from '@graft/data';
import { type ModelOutput, tokenizerFiles } from '@graft/models';
import { dirFiles, fromPretrained, loadTokenizer, savePretrained } from '@graft/models/node';
import { getPeftModel } from '@graft/peft';
import { PeftModel, savePeftAdapter } from '@graft/peft/node';
import { Trainer } from '@graft/train';
import { isMain } from '../is-main';
import { loadSst2 } from '../models/sst2-data';

/** Trains a LoRA adapter briefly and writes `<out>/adapter` (PEFT) and `<out>/merged` (transformers). */
export async function toPytorch(opts: { model: string; data: string; out: string; steps?: number; log?: (line: string) => void }) {
  const log = opts.log ?? (() => {});
  const tokenizer = await loadTokenizer(opts.model, { truncation: false });
  const { train, dev, id2label } = await loadSst2(dirFiles(opts.data), tokenizer, { trainSamples: (opts.steps ?? 10) * 16, evalSamples: 8, maxLength: 32 });
  const base = await fromPretrained(opts.model, { task: 'sequence-classification', id2label, seed: 0 });
  const peft = getPeftModel(base, { peft_type: 'LORA', task_type: 'SEQ_CLS', r: 8, lora_alpha: 32, base_model_name_or_path: opts.model });
  const args = { outputDir: opts.out, maxSteps: opts.steps ?? 10, perDeviceTrainBatchSize: 16, learningRate: 1e-3, saveStrategy: 'no' } as const;
  await new Trainer({ model: peft, args, trainDataset: train, collate: padCollate({ padTokenId: 0 }) }).train();

  // the adapter alone (a few tens of kB): adapter_config.json + adapter_model.safetensors
  const adapterDir = join(opts.out, 'adapter');
  await savePeftAdapter(peft, adapterDir);
  const batch = padCollate({ padTokenId: 0 })(dev.take(8).toArray());
  const adapted = (peft.eval().call(batch) as ModelOutput).logits;

  // the merged model: an ordinary checkpoint that needs no PEFT to load
  const mergedDir = join(opts.out, 'merged');
  const merged = peft.mergeAndUnload();
  await savePretrained(merged, mergedDir, { tokenizer: await tokenizerFiles(dirFiles(opts.model)) });

  for (const dir of [adapterDir, mergedDir]) {
    log(`${dir}/`);
    for (const f of readdirSync(dir).sort()) log(`  ${f.padEnd(26)} ${statSync(join(dir, f)).size.toLocaleString('en-US').padStart(12)} bytes`);
  }

  // both load back: the adapter onto a fresh base, the merged folder on its own. The base must be
  // the same one: this checkpoint has no pooler, so the pooler is drawn fresh (frozen, and not in
  // the adapter, as in PEFT) and only the same seed gives the same one; the merged folder has it
  const again = await PeftModel.fromPretrained(await fromPretrained(opts.model, { task: 'sequence-classification', id2label, seed: 0 }), adapterDir);
  const reloaded = await fromPretrained(mergedDir);
  const diff = async (a: ModelOutput) => {
    const [x, y] = [await a.logits.data(), await adapted.data()];
    return Array.from(x, Number).reduce((m, v, i) => Math.max(m, Math.abs(v - Number(y[i]))), 0);
  };
  const result = {
    adapterDiff: await diff(again.call(batch) as ModelOutput),
    mergedDiff: await diff(reloaded.call(batch) as ModelOutput),
    adapterDir,
    mergedDir,
  };
  log(`reloaded adapter: max |Δ logits| = ${result.adapterDiff.toExponential(1)}; merged checkpoint: ${result.mergedDiff.toExponential(1)}`);
  for (const m of [merged, again, reloaded]) m.dispose();
  return result;
}

if (isMain(import.meta.url))
  void toPytorch({ model: 'assets/models/bert-tiny-imdb-mlm', data: 'assets/datasets/sst2', out: 'runs/to-pytorch', log: console.log });
