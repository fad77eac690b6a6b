/**
 * The flagship's data for the fine-tuning benchmarks: SST-2 from the repository's assets (IMDB
 * from GRAFT_ASSETS or ../shared/assets), tokenized by the embedded checkpoint's own tokenizer
 * with truncation at `maxLength`, as the seed recipe does (`tokenizer(text, truncation=True,
 * max_length=…)`; padding is dynamic, per batch, in the collate step).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Dataset } from '@graft/data';
import { readCsvFile } from '@graft/data/node';
import { loadTokenizer } from '@graft/models/node';
import type { TrainingArgumentsInput } from '@graft/train';
import { assetPath, largeAssetPath } from '../../test-utils/assets';

/** The embedded pretrained checkpoint every fine-tuning benchmark starts from. */
export const MODEL_DIR = assetPath('models', 'bert-tiny-imdb-mlm');

/** A tokenized classification row, as @graft/data's padCollate expects it. */
export interface Row {
  inputIds: number[];
  attentionMask: number[];
  tokenTypeIds: number[];
  label: number;
}

async function tokenize(texts: readonly string[], labels: readonly number[], maxLength: number): Promise<Dataset<Row>> {
  const tokenizer = await loadTokenizer(MODEL_DIR);
  tokenizer.setTruncation({ maxLength });
  const rows: Row[] = [];
  const chunk = 2048;
  for (let start = 0; start < texts.length; start += chunk) {
    const encodings = tokenizer.encodeBatch(texts.slice(start, start + chunk));
    encodings.forEach((e, i) => {
      rows.push({ inputIds: [...e.ids], attentionMask: [...e.attentionMask], tokenTypeIds: [...e.typeIds], label: labels[start + i] });
    });
  }
  return Dataset.fromRows(rows);
}

/** SST-2 train and dev (the GLUE split; dev is the evaluation set), tokenized. */
export async function sst2(maxLength = 128): Promise<{ train: Dataset<Row>; dev: Dataset<Row> }> {
  const read = async (split: string) => {
    const ds = await readCsvFile<{ sentence: string; label: number }>(assetPath('datasets', 'sst2', `${split}.tsv`));
    const rows = [...ds];
    return tokenize(
      rows.map((r) => String(r.sentence)),
      rows.map((r) => Number(r.label)),
      maxLength,
    );
  };
  return { train: await read('train'), dev: await read('dev') };
}

/** IMDB train and test (25,000 each), tokenized; throws naming where it looked when it is absent. */
export async function imdb(maxLength = 256): Promise<{ train: Dataset<Row>; test: Dataset<Row> }> {
  const read = async (split: string) => {
    const found = largeAssetPath('datasets', 'imdb', `${split}.jsonl.gz`);
    if (!found.path)
      throw new Error(`IMDB ${split}.jsonl.gz not found; looked in:\n  ${found.searched.join('\n  ')}\nset GRAFT_ASSETS to a folder with datasets/imdb/`);
    const rows = gunzipSync(readFileSync(found.path))
      .toString('utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as { text: string; label: number });
    return tokenize(
      rows.map((r) => r.text),
      rows.map((r) => r.label),
      maxLength,
    );
  };
  return { train: await read('train'), test: await read('test') };
}

/**
 * The Trainer arguments of the seed recipe every fine-tuning benchmark shares (AdamW with 10%
 * warmup then linear decay, weight decay 0.01 outside biases and LayerNorm weights, max grad
 * norm 1.0, batch 32; evaluation batch 128), with what each run sets itself. Nothing is saved.
 */
export function recipeArgs(run: {
  outputDir: string;
  learningRate: number;
  epochs: number;
  seed: number;
  /** Evaluate and log after each epoch (default: only when the benchmark asks). */
  perEpoch?: boolean;
}): TrainingArgumentsInput {
  return {
    outputDir: run.outputDir,
    learningRate: run.learningRate,
    weightDecay: 0.01,
    warmupRatio: 0.1,
    maxGradNorm: 1.0,
    numTrainEpochs: run.epochs,
    perDeviceTrainBatchSize: 32,
    perDeviceEvalBatchSize: 128,
    evalStrategy: run.perEpoch ? 'epoch' : 'no',
    saveStrategy: 'no',
    loggingStrategy: run.perEpoch ? 'epoch' : 'no',
    seed: run.seed,
  };
}
