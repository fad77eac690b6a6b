/**
 * Dynamic masking for masked-LM training, as transformers' `DataCollatorForLanguageModeling`
 * does it: each maskable token is chosen with probability `mlmProbability` (15%); of the chosen,
 * 80% become [MASK], 10% a random token, 10% stay; labels hold the original id where chosen and
 * -100 elsewhere. Special tokens and padding are never chosen. Masks are drawn when a batch is
 * built, from a seeded generator that advances, so every epoch sees new masks (RoBERTa's dynamic
 * masking) and a run with the same seed sees the same ones.
 */
import { ArgumentError, type Generator } from '@graft/core';
import { groupWords } from './whole-word';

/** The label of a position that does not count in the loss (PyTorch's and HF's `ignore_index`). */
export const IGNORE_INDEX = -100;

/** How tokens are chosen and replaced; field names are transformers' in camelCase. */
export interface MaskingOptions {
  /** The [MASK] id. */
  maskTokenId: number;
  /** Random replacements are drawn uniformly from 0 … vocabSize − 1, as HF draws from `len(tokenizer)`. */
  vocabSize: number;
  /** Ids never chosen ([CLS], [SEP], [PAD], …), in addition to each row's `specialTokensMask`. */
  specialTokenIds?: Iterable<number>;
  /** Share of maskable tokens (or words) chosen. Default 0.15. */
  mlmProbability?: number;
  /** Share of chosen tokens replaced by [MASK]. Default 0.8. */
  maskReplaceProb?: number;
  /** Share of chosen tokens replaced by a random token. Default 0.1 (the rest keep their id). */
  randomReplaceProb?: number;
  /** Whole-word masking: the per-id continuation table of {@link wordPieceContinuations}. */
  wholeWordContinuations?: Uint8Array;
}

/** A row to mask: its ids and, optionally, which positions are padding or special. */
export interface MaskableRow {
  inputIds: ArrayLike<number>;
  attentionMask?: ArrayLike<number>;
  specialTokensMask?: ArrayLike<number>;
}

/** A masked row: the corrupted ids and the labels (-100 where not chosen). */
export interface MaskedRow {
  inputIds: number[];
  labels: number[];
}

/** Options with defaults applied and checked once, so a collate does not re-validate per batch. */
export interface ResolvedMasking {
  maskTokenId: number;
  vocabSize: number;
  special: Set<number>;
  mlmProbability: number;
  maskReplaceProb: number;
  randomReplaceProb: number;
  wholeWordContinuations?: Uint8Array;
}

function probability(name: string, p: number): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ArgumentError(`masking: ${name} must be a probability in [0, 1], got ${p}`);
  return p;
}

/** Checks {@link MaskingOptions} and fills in the defaults. */
export function resolveMasking(opts: MaskingOptions): ResolvedMasking {
  if (!Number.isInteger(opts.vocabSize) || opts.vocabSize < 1) throw new ArgumentError(`masking: vocabSize must be a positive integer, got ${opts.vocabSize}`);
  if (!Number.isInteger(opts.maskTokenId) || opts.maskTokenId < 0 || opts.maskTokenId >= opts.vocabSize) {
    throw new ArgumentError(
      `masking: maskTokenId must be a token id below vocabSize ${opts.vocabSize}, got ${opts.maskTokenId}; the tokenizer needs a mask token ([MASK] or <mask>)`,
    );
  }
  const mlmProbability = probability('mlmProbability', opts.mlmProbability ?? 0.15);
  const maskReplaceProb = probability('maskReplaceProb', opts.maskReplaceProb ?? 0.8);
  const randomReplaceProb = probability('randomReplaceProb', opts.randomReplaceProb ?? 0.1);
  if (maskReplaceProb + randomReplaceProb > 1 + 1e-12) {
    throw new ArgumentError(`masking: maskReplaceProb + randomReplaceProb must be at most 1, got ${maskReplaceProb} + ${randomReplaceProb}`);
  }
  const special = new Set(opts.specialTokenIds ?? []);
  special.add(opts.maskTokenId);
  return {
    maskTokenId: opts.maskTokenId,
    vocabSize: opts.vocabSize,
    special,
    mlmProbability,
    maskReplaceProb,
    randomReplaceProb,
    wholeWordContinuations: opts.wholeWordContinuations,
  };
}

/** Which positions may be chosen: real (attention 1), not special by id, not special by the row's mask. */
function maskablePositions(row: MaskableRow, special: Set<number>): Uint8Array {
  const n = row.inputIds.length;
  for (const [name, field] of [
    ['attentionMask', row.attentionMask],
    ['specialTokensMask', row.specialTokensMask],
  ] as const) {
    if (field && field.length !== n) throw new ArgumentError(`masking: ${name} has ${field.length} entries but inputIds has ${n}`);
  }
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const real = row.attentionMask ? row.attentionMask[i] === 1 : true;
    const flagged = row.specialTokensMask ? row.specialTokensMask[i] === 1 : false;
    out[i] = real && !flagged && !special.has(row.inputIds[i]) ? 1 : 0;
  }
  return out;
}

/** Draws which positions are chosen: per token, or per word with whole-word masking. */
function choose(row: MaskableRow, maskable: Uint8Array, opts: ResolvedMasking, generator: Generator): Uint8Array {
  const n = row.inputIds.length;
  const chosen = new Uint8Array(n);
  if (opts.wholeWordContinuations) {
    // one draw per word, then every token of a chosen word is chosen (transformers 5's whole_word_mask)
    const words = groupWords(row.inputIds, maskable, opts.wholeWordContinuations);
    const draws = generator.bernoulli(words.length, opts.mlmProbability);
    words.forEach((word, k) => {
      if (draws[k]) for (const i of word) chosen[i] = 1;
    });
    return chosen;
  }
  const draws = generator.bernoulli(n, opts.mlmProbability);
  for (let i = 0; i < n; i++) chosen[i] = maskable[i] & draws[i];
  return chosen;
}

/**
 * Masks one row with `generator`: returns the corrupted ids and the labels. The draws per row are
 * fixed (a selection draw, a replacement uniform per token, one random id per random
 * replacement), so the same generator state always gives the same masks.
 */
export function maskTokens(row: MaskableRow, opts: ResolvedMasking, generator: Generator): MaskedRow {
  const n = row.inputIds.length;
  const maskable = maskablePositions(row, opts.special);
  const chosen = choose(row, maskable, opts, generator);
  const action = generator.uniform(n);
  const inputIds = Array.from(row.inputIds);
  const labels = new Array<number>(n).fill(IGNORE_INDEX);
  const randomAt: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!chosen[i]) continue;
    labels[i] = inputIds[i];
    if (action[i] < opts.maskReplaceProb) inputIds[i] = opts.maskTokenId;
    else if (action[i] < opts.maskReplaceProb + opts.randomReplaceProb) randomAt.push(i);
  }
  if (randomAt.length > 0) {
    const ids = generator.randint(randomAt.length, 0, opts.vocabSize);
    randomAt.forEach((pos, k) => {
      inputIds[pos] = ids[k];
    });
  }
  return { inputIds, labels };
}
