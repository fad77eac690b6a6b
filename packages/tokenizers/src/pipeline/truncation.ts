/**
 * Truncation settings and the algorithm that applies them to one sequence or a pair (HF
 * `truncate_encodings`): LongestFirst shares the budget, OnlyFirst / OnlySecond cut one side;
 * cut tokens go to `overflowing` windows that overlap by `stride`.
 */
import type { Direction, Encoding } from '../encoding';
import { TokenizerError } from '../errors';
import { JsonReader } from '../json-reader';

/** Which sequence truncation shortens. */
export type TruncationStrategy = 'LongestFirst' | 'OnlyFirst' | 'OnlySecond';

/** Truncation settings. */
export interface TruncationParams {
  maxLength: number;
  stride?: number;
  strategy?: TruncationStrategy | 'longest_first' | 'only_first' | 'only_second';
  direction?: Direction | 'right' | 'left';
}

/** Truncation settings with every field resolved. */
export interface ResolvedTruncation {
  maxLength: number;
  stride: number;
  strategy: TruncationStrategy;
  direction: Direction;
}

const STRATEGIES: Record<string, TruncationStrategy> = {
  LongestFirst: 'LongestFirst',
  longest_first: 'LongestFirst',
  OnlyFirst: 'OnlyFirst',
  only_first: 'OnlyFirst',
  OnlySecond: 'OnlySecond',
  only_second: 'OnlySecond',
};

/** Fills defaults and validates. */
export function resolveTruncation(p: TruncationParams): ResolvedTruncation {
  const strategy = STRATEGIES[p.strategy ?? 'LongestFirst'];
  if (!strategy) throw new TokenizerError('E_BAD_FIELD', `truncation: unknown strategy ${JSON.stringify(p.strategy)}`);
  const dir = (p.direction ?? 'Right').toLowerCase();
  if (dir !== 'right' && dir !== 'left') throw new TokenizerError('E_BAD_FIELD', `truncation: unknown direction ${JSON.stringify(p.direction)}`);
  if (!Number.isInteger(p.maxLength) || p.maxLength < 0)
    throw new TokenizerError('E_BAD_FIELD', `truncation: maxLength must be a non-negative integer, got ${p.maxLength}`);
  return { maxLength: p.maxLength, stride: p.stride ?? 0, strategy, direction: dir === 'right' ? 'Right' : 'Left' };
}

/** Reads tokenizer.json `truncation`. */
export function truncationFromJSON(json: unknown): ResolvedTruncation {
  const r = new JsonReader(json, 'truncation');
  return resolveTruncation({
    maxLength: r.uint('max_length'),
    stride: r.uint('stride', 0),
    strategy: r.oneOf('strategy', ['LongestFirst', 'OnlyFirst', 'OnlySecond'] as const, 'LongestFirst'),
    direction: r.oneOf('direction', ['Right', 'Left'] as const, 'Right'),
  });
}

/** Writes tokenizer.json `truncation`. */
export function truncationToJSON(t: ResolvedTruncation) {
  return { direction: t.direction, max_length: t.maxLength, strategy: t.strategy, stride: t.stride };
}

/** Truncates `a` (and `b`) in place so that together they fit `p.maxLength`. */
export function truncateEncodings(a: Encoding, b: Encoding | null, p: ResolvedTruncation): void {
  if (p.maxLength === 0) {
    a.truncate(0, p.stride, p.direction);
    b?.truncate(0, p.stride, p.direction);
    return;
  }
  const total = a.length + (b?.length ?? 0);
  if (total <= p.maxLength) return;
  const toRemove = total - p.maxLength;
  if (p.strategy === 'LongestFirst') {
    if (!b) {
      a.truncate(total - toRemove, p.stride, p.direction);
      return;
    }
    let n1 = a.length;
    let n2 = b.length;
    const swap = n1 > n2;
    if (swap) [n1, n2] = [n2, n1];
    n2 = n1 > p.maxLength ? n1 : Math.max(n1, p.maxLength - n1);
    if (n1 + n2 > p.maxLength) {
      n1 = Math.floor(p.maxLength / 2);
      n2 = n1 + (p.maxLength % 2);
    }
    if (swap) [n1, n2] = [n2, n1];
    a.truncate(n1, p.stride, p.direction);
    b.truncate(n2, p.stride, p.direction);
    return;
  }
  const target = p.strategy === 'OnlyFirst' ? a : b;
  if (!target) throw new TokenizerError('E_TRUNCATION', 'truncation: strategy OnlySecond needs a pair of sequences');
  if (target.length <= toRemove) {
    throw new TokenizerError(
      'E_TRUNCATION',
      `truncation: the ${p.strategy === 'OnlyFirst' ? 'first' : 'second'} sequence (${target.length} tokens) is too short to remove ${toRemove} tokens`,
    );
  }
  target.truncate(target.length - toRemove, p.stride, p.direction);
}
