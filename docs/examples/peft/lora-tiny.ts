/**
 * A small LoRA fine-tune that runs in a browser tab: the embedded pretrained BERT (4.4 M
 * parameters), LoRA with PEFT's defaults (r = 8 on `query` and `value`, the classifier trained in
 * full: 0.19% of the parameters), a few dozen Trainer steps on SST-2 sentences, then the adapter
 * merged in and two sentences labelled. It trains on the default device, so the docs site runs
 * it on WebGPU when the browser has it; Node runs it on the CPU.
 *
 *   tsx docs/examples/peft/lora-tiny.ts
 */
import { getBackend } from '@graft/core';
import { padCollate } from '@graft/data';
import { fromPretrained, loadTokenizer, type ModelFilesLike, pipeline } from '@graft/models';
import { getPeftModel } from '@graft/peft';
import { ProgressCallback, Trainer } from '@graft/train';
import { isMain } from '../is-main';
import { loadSst2 } from '../models/sst2-data';

/** Fine-tunes with LoRA for `steps` steps; returns the logged losses and the two predictions. */
export async function loraTiny(
  modelFiles: ModelFilesLike,
  sst2Files: ModelFilesLike,
  opts: { steps?: number; learningRate?: number; log?: (line: string) => void } = {},
) {
  const { steps = 30, learningRate = 1e-3, log = () => {} } = opts;
  const tokenizer = await loadTokenizer(modelFiles);
  const { train, id2label } = await loadSst2(sst2Files, tokenizer, { trainSamples: steps * 16, evalSamples: 0, maxLength: 32 });
  const model = await fromPretrained(modelFiles, { task: 'sequence-classification', id2label, seed: 0 });

  // PEFT's SEQ_CLS defaults for BERT: LoRA on query and value, the classifier in modules_to_save
  const peft = getPeftModel(model, { peft_type: 'LORA', task_type: 'SEQ_CLS', r: 8, lora_alpha: 32, lora_dropout: 0.1 });
  peft.printTrainableParameters(log);

  const losses: number[] = [];
  const trainer = new Trainer({
    model: peft,
    args: {
      outputDir: 'lora-tiny', // checkpoints stay in memory: no store is given
      maxSteps: steps,
      perDeviceTrainBatchSize: 16,
      learningRate, // LoRA's usual rates are higher than full fine-tuning's: the adapter starts at zero and is small
      warmupRatio: 0.1,
      loggingSteps: 5,
      saveStrategy: 'no',
      seed: 0,
      device: getBackend().name === 'webgpu' ? 'webgpu' : 'cpu',
    },
    trainDataset: train,
    collate: padCollate({ padTokenId: 0 }),
    callbacks: [
      new ProgressCallback((e) => {
        if (e.kind !== 'log' || e.entry.loss === undefined) return;
        losses.push(Number(e.entry.loss));
        log(`step ${String(e.step).padStart(3)}  loss ${Number(e.entry.loss).toFixed(4)}  ${e.entry.train_samples_per_second ?? ''}`.trimEnd());
      }),
    ],
  });
  await trainer.train();

  // fold the adapter into the weights: a plain BertForSequenceClassification again
  const merged = await peft.mergeAndUnloadAsync();
  const classify = await pipeline('text-classification', modelFiles, { model: merged });
  const sentences = ['a gorgeous, witty, seductive movie.', 'a dull, tedious mess.'];
  const predictions = (await classify(sentences)) as { label: string; score: number }[];
  predictions.forEach((p, i) => log(`${p.label.padEnd(8)} ${p.score.toFixed(3)}  ${sentences[i]}`));
  merged.dispose();
  return { losses, predictions };
}

if (isMain(import.meta.url)) {
  void import('@graft/models/node').then(({ dirFiles }) =>
    loraTiny(dirFiles('assets/models/bert-tiny-imdb-mlm'), dirFiles('assets/datasets/sst2'), { log: console.log }),
  );
}
