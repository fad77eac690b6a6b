/**
 * SST-2 as a model takes it: read the TSV files (`sentence`, `label`), draw seeded samples,
 * tokenize in a batched `map` with truncation, and leave padding to the collate (each batch is
 * padded to its own longest sentence). The files come through `ModelFiles`, so the same code
 * reads a folder in Node (`dirFiles`) and URLs in the browser (`urlFiles`).
 */
import { type Dataset, readTsv } from '@graft/data';
import type { ModelFilesLike } from '@graft/models';
import { asModelFiles } from '@graft/models';
import type { Tokenizer } from '@graft/tokenizers';

/** A tokenized sentence with its label, what `padCollate` turns into a batch. */
export interface TokenizedRow {
  inputIds: number[];
  attentionMask: number[];
  tokenTypeIds: number[];
  label: number;
}

/** How much of SST-2 to use. */
export interface Sst2Options {
  /** Training sentences, drawn with `seed` (all 67,349 when omitted). */
  trainSamples?: number;
  /** Dev sentences (all 872 when omitted). */
  evalSamples?: number;
  /** Tokens per sentence, special tokens included (SST-2's sentences are short: 99% fit in 64). */
  maxLength?: number;
  seed?: number;
}

/** Reads one SST-2 file (`train.tsv`, `dev.tsv`) from `files` and tokenizes it. */
async function split(
  files: ModelFilesLike,
  name: string,
  tokenizer: Tokenizer,
  samples: number | undefined,
  opts: Sst2Options,
): Promise<Dataset<TokenizedRow>> {
  const bytes = await asModelFiles(files).read(name);
  if (!bytes) throw new Error(`${name} is not in ${asModelFiles(files).description}`);
  let rows = await readTsv<{ sentence: string; label: number }>(bytes, { types: { sentence: 'string', label: 'int' } });
  if (samples !== undefined && samples < rows.length) rows = rows.shuffle({ seed: opts.seed ?? 0 }).take(samples);
  tokenizer.setTruncation({ maxLength: opts.maxLength ?? 128 });
  return rows.map(
    (batch) => {
      const encodings = tokenizer.encodeBatch(batch.sentence);
      return {
        inputIds: encodings.map((e) => e.ids),
        attentionMask: encodings.map((e) => e.attentionMask),
        tokenTypeIds: encodings.map((e) => e.typeIds),
      };
    },
    { batched: true, removeColumns: ['sentence'] },
  ) as unknown as Dataset<TokenizedRow>;
}

/** SST-2's training and dev sets, tokenized; `files` holds `train.tsv` and `dev.tsv`. */
export async function loadSst2(files: ModelFilesLike, tokenizer: Tokenizer, opts: Sst2Options = {}) {
  const train = await split(files, 'train.tsv', tokenizer, opts.trainSamples, opts);
  const dev = await split(files, 'dev.tsv', tokenizer, opts.evalSamples, opts);
  return { train, dev, id2label: ['negative', 'positive'] };
}
