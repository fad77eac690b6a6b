/**
 * Tokenizing a text-classification dataset with the model's tokenizer, in `dataset.map`
 * (batched): one or two text columns in, the contract's `TokenizedRow` out (`inputIds`,
 * `attentionMask`, `tokenTypeIds`, `label`). Truncation to `--max-length` happens here; padding
 * happens per batch in the collate (dynamic padding), so short batches stay short.
 */
import type { Dataset } from '@graft/data';
import type { Tokenizer } from '@graft/tokenizers';
import type { RawRow } from './data-loading';
import { dataError } from './errors';

/** A tokenized row (the contract's `TokenizedRow`). */
export interface TokenizedRow {
  inputIds: number[];
  attentionMask: number[];
  tokenTypeIds: number[];
  label?: number;
}

/** What to tokenize. */
export interface TokenizeOptions {
  textColumn: string;
  textPairColumn?: string;
  maxLength: number;
  /** Label ids by row (from `labelIds`); omitted for unlabeled data. */
  labels?: readonly number[];
  /** For messages: where the rows came from. */
  source: string;
}

function text(value: unknown, column: string, row: number, source: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw dataError(
    `${source}: row ${row + 1} has ${value === null || value === undefined ? 'no value' : `a ${typeof value}`} in the text column "${column}"; every row needs text`,
    'bad_text',
  );
}

/** Encodes texts (and optional pairs) with truncation to `maxLength` tokens, special tokens included. */
export function encodeTexts(tokenizer: Tokenizer, texts: readonly string[], pairs: readonly string[] | undefined, maxLength: number): TokenizedRow[] {
  tokenizer.setTruncation({ maxLength, strategy: 'longest_first' });
  try {
    const encodings = tokenizer.encodeBatch(pairs ? texts.map((t, i) => [t, pairs[i]] as [string, string]) : [...texts]);
    return encodings.map((e) => ({ inputIds: e.ids, attentionMask: e.attentionMask, tokenTypeIds: e.typeIds }));
  } finally {
    tokenizer.setTruncation(null);
  }
}

/** Tokenizes every row of `dataset` (batched `map`); the result has only the model's input fields and `label`. */
export function tokenizeDataset(dataset: Dataset<RawRow>, tokenizer: Tokenizer, opts: TokenizeOptions): Dataset<TokenizedRow> {
  const { textColumn, textPairColumn, labels, source } = opts;
  const mapped = dataset.map(
    (batch: Record<string, unknown[]>, indices: number[]) => {
      const texts = batch[textColumn].map((v, i) => text(v, textColumn, indices[i], source));
      const pairs = textPairColumn ? batch[textPairColumn].map((v, i) => text(v, textPairColumn, indices[i], source)) : undefined;
      const rows = encodeTexts(tokenizer, texts, pairs, opts.maxLength);
      return {
        inputIds: rows.map((r) => r.inputIds),
        attentionMask: rows.map((r) => r.attentionMask),
        tokenTypeIds: rows.map((r) => r.tokenTypeIds),
        ...(labels ? { label: indices.map((i) => labels[i]) } : {}),
      };
    },
    { batched: true, batchSize: 1000, removeColumns: dataset.columns },
  );
  return mapped as unknown as Dataset<TokenizedRow>;
}
