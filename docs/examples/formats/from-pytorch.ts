/**
 * Files that PyTorch wrote, loaded by Graft: a `BertForSequenceClassification` saved by
 * transformers' `save_pretrained`, and a LoRA adapter saved by PEFT's `save_pretrained` for it.
 * Both sit in `assets/fixtures` together with the logits PyTorch computed for a batch
 * (`io.safetensors`); Graft loads the folders as they are, runs the same batch, and prints how
 * far its logits are from PyTorch's. Node only (it reads folders).
 *
 *   tsx docs/examples/formats/from-pytorch.ts
 */
import { join } from 'node:path';
import type { Tensor } from '@graft/core';
import { loadSafetensorsFile } from '@graft/core/node';
import type { ModelOutput } from '@graft/models';
import { fromPretrained } from '@graft/models/node';
import { PeftModel } from '@graft/peft/node';
import { isMain } from '../is-main';

/** The largest absolute difference between two tensors' values. */
async function maxDiff(a: Tensor, b: Tensor): Promise<number> {
  const [x, y] = [await a.data(), await b.data()];
  return Array.from(x, Number).reduce((m, v, i) => Math.max(m, Math.abs(v - Number(y[i]))), 0);
}

/** Loads transformers' and PEFT's folders under `fixtures` and compares with PyTorch's logits. */
export async function fromPytorch(fixtures: string, log: (line: string) => void) {
  // a transformers checkpoint: config.json + model.safetensors
  const modelDir = join(fixtures, 'models', 'bert-seqcls');
  const model = await fromPretrained(modelDir);
  const io = (await loadSafetensorsFile(join(modelDir, 'io.safetensors'))).tensors;
  const batch = { inputIds: io.get('input_ids')!, attentionMask: io.get('attention_mask')!, tokenTypeIds: io.get('token_type_ids') };
  const modelDiff = await maxDiff((model.call(batch) as ModelOutput).logits, io.get('logits')!);
  log(`transformers checkpoint (${model.constructor.name}): max |graft − torch| over the logits = ${modelDiff.toExponential(1)}`);

  // a PEFT adapter directory: adapter_config.json + adapter_model.safetensors, onto a fresh base,
  // trainable so that training can go on here (PEFT's is_trainable=True)
  const adapterDir = join(fixtures, 'peft', 'bert-seqcls-lora');
  const peft = await PeftModel.fromPretrained(await fromPretrained(modelDir), adapterDir, { isTrainable: true });
  const peftIo = (await loadSafetensorsFile(join(adapterDir, 'io.safetensors'))).tensors;
  const peftBatch = { inputIds: peftIo.get('input_ids')!, attentionMask: peftIo.get('attention_mask')!, tokenTypeIds: peftIo.get('token_type_ids') };
  const adapterDiff = await maxDiff((peft.call(peftBatch) as ModelOutput).logits, peftIo.get('logits')!);
  peft.printTrainableParameters((line) => log(`PEFT adapter: ${line}`)); // PEFT printed the same line for it
  log(`  with the adapter: max |graft − torch| = ${adapterDiff.toExponential(1)}`);
  // merge_and_unload, as in Python: the plain model with the update folded into its weights
  const merged = peft.mergeAndUnload();
  const mergedDiff = await maxDiff((merged.call(peftBatch) as ModelOutput).logits, peftIo.get('merged_logits')!);
  log(`  merged:           max |graft − torch| = ${mergedDiff.toExponential(1)}`);
  model.dispose();
  merged.dispose();
  return { modelDiff, adapterDiff, mergedDiff };
}

if (isMain(import.meta.url)) void fromPytorch('assets/fixtures', console.log);
