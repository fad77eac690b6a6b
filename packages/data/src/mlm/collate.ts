/**
 * The masked-LM collate, transformers' `DataCollatorForLanguageModeling` in one function: masks
 * each row of the batch with the collate's generator (so every epoch sees new masks), then pads
 * with `padCollate` (`inputIds` with the pad id, `labels` with -100). Rows that already carry
 * `labels` (an evaluation set masked once, for a loss that does not move between evaluations)
 * are padded as they are.
 */
import { Generator, type Tensor } from '@graft/core';
import { padCollate } from '../collate';
import { type MaskableRow, type MaskingOptions, maskTokens, resolveMasking } from './masking';

/** Options of {@link languageModelingCollate}. */
export interface LanguageModelingCollateOptions extends MaskingOptions {
  /** The id rows are padded with. */
  padTokenId: number;
  /** Where masks are drawn from (default: a generator seeded with `seed`). Its state is the masking stream's position. */
  generator?: Generator;
  /** Seeds the default generator (default 0). */
  seed?: number;
}

/** A batch for a masked-LM model: the contract's `TextBatch` with `labels` `[B, L]`. */
export interface MaskedLmBatch {
  inputIds: Tensor;
  attentionMask: Tensor;
  tokenTypeIds?: Tensor;
  labels: Tensor;
}

/** A row the collate accepts: ids, an optional mask and special-token mask, and optional ready-made labels. */
export type LanguageModelingRow = MaskableRow & { labels?: ArrayLike<number>; tokenTypeIds?: ArrayLike<number> };

/** The collate function, with the generator it draws masks from (checkpoint its state to resume the same masks). */
export interface LanguageModelingCollate {
  (rows: readonly LanguageModelingRow[]): MaskedLmBatch;
  readonly generator: Generator;
}

/** Builds a masked-LM collate: dynamic 80/10/10 masking (or whole-word), then dynamic padding. */
export function languageModelingCollate(opts: LanguageModelingCollateOptions): LanguageModelingCollate {
  const masking = resolveMasking(opts);
  const generator = opts.generator ?? new Generator(opts.seed ?? 0);
  const pad = padCollate({ padTokenId: opts.padTokenId });
  const collate = (rows: readonly LanguageModelingRow[]): MaskedLmBatch => {
    const masked = rows.map((row) => {
      const { inputIds, labels } = row.labels ? { inputIds: Array.from(row.inputIds), labels: Array.from(row.labels) } : maskTokens(row, masking, generator);
      const attentionMask = row.attentionMask ? Array.from(row.attentionMask) : inputIds.map(() => 1);
      const out: Record<string, number[]> = { inputIds, attentionMask, labels };
      if (row.tokenTypeIds) out.tokenTypeIds = Array.from(row.tokenTypeIds);
      return out;
    });
    return pad(masked) as unknown as MaskedLmBatch;
  };
  return Object.assign(collate, { generator });
}

/** Masks rows once with a seeded generator: an evaluation set whose loss is comparable across evaluations. */
export function maskOnce(rows: Iterable<MaskableRow>, opts: MaskingOptions, seed: number): { inputIds: number[]; attentionMask: number[]; labels: number[] }[] {
  const masking = resolveMasking(opts);
  const generator = new Generator(seed);
  const out: { inputIds: number[]; attentionMask: number[]; labels: number[] }[] = [];
  for (const row of rows) {
    const { inputIds, labels } = maskTokens(row, masking, generator);
    out.push({ inputIds, attentionMask: row.attentionMask ? Array.from(row.attentionMask) : inputIds.map(() => 1), labels });
  }
  return out;
}
