/**
 * A model is an architecture plus weights. The same `BertForMaskedLM` class is built twice: once
 * from its config alone (the architecture, with freshly drawn weights) and once with the
 * pretrained weights of the embedded checkpoint. Same code, same parameter count; only the
 * pretrained one knows what fits in "this movie was absolutely ___". Runs in Node and in the
 * browser.
 *
 *   tsx docs/examples/models/architecture-and-weights.ts
 */
import { Generator } from '@graft/core';
import { asModelFiles, BertConfig, BertForMaskedLM, fromPretrained, type ModelFilesLike, pipeline } from '@graft/models';
import { isMain } from '../is-main';

const PROMPT = 'this movie was absolutely [MASK].';

/** Fills the mask with a randomly initialised and a pretrained BERT; returns both top-5 lists. */
export async function architectureAndWeights(modelFiles: ModelFilesLike, log: (line: string) => void): Promise<{ random: string[]; pretrained: string[] }> {
  const files = asModelFiles(modelFiles);

  // the architecture: config.json says how many layers, how wide, which vocabulary
  const config = new BertConfig(JSON.parse(new TextDecoder().decode((await files.read('config.json'))!)));
  log(`architecture: ${config.num_hidden_layers} layers, hidden ${config.hidden_size}, ${config.num_attention_heads} heads, vocabulary ${config.vocab_size}`);

  // architecture only: weights drawn from N(0, initializer_range), as transformers initialises them
  const random = new BertForMaskedLM(config, { generator: new Generator(0) }).eval();
  // architecture + weights: the same class, with the tensors of model.safetensors loaded into it
  const pretrained = await fromPretrained(files, { task: 'masked-lm' });
  log(`parameters: ${random.numParameters().toLocaleString('en-US')} (random), ${pretrained.numParameters().toLocaleString('en-US')} (pretrained)`);

  const top = async (model: BertForMaskedLM) => (await (await pipeline('fill-mask', files, { model }))(PROMPT, { topK: 5 })).map((r) => r.tokenStr);
  const result = { random: await top(random), pretrained: await top(pretrained as BertForMaskedLM) };
  log(`"${PROMPT}"`);
  log(`  random weights:     ${result.random.join(', ')}`);
  log(`  pretrained weights: ${result.pretrained.join(', ')}`);
  random.dispose();
  pretrained.dispose();
  return result;
}

if (isMain(import.meta.url)) {
  void import('@graft/models/node').then(({ dirFiles }) => architectureAndWeights(dirFiles('assets/models/bert-tiny-imdb-mlm'), console.log));
}
