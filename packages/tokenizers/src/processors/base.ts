/**
 * Shared post-processing plumbing: HF's default `process` (mark sequence ids, let the processor
 * rewrite the list of encodings, then merge them) and the "wrap with special tokens" helper used
 * by the BERT and RoBERTa processors, overflowing windows included.
 */
import type { PostProcessor } from '../components';
import { Encoding } from '../encoding';
import type { JsonObject } from '../json-reader';

/** A post-processor that rewrites a list of encodings (one per sequence). */
export abstract class BasePostProcessor implements PostProcessor {
  abstract addedTokens(isPair: boolean): number;
  /** Rewrites the encodings of the sequences (index 0 = first, 1 = pair). */
  abstract processEncodings(encodings: Encoding[], addSpecialTokens: boolean): Encoding[];
  abstract toJSON(): JsonObject;

  process(encoding: Encoding, pair: Encoding | null, addSpecialTokens: boolean): Encoding {
    const encodings = pair ? [encoding, pair] : [encoding];
    encodings.forEach((e, i) => e.setSequenceId(i));
    return Encoding.merge(this.processEncodings(encodings, addSpecialTokens), false);
  }
}

/** A special token as `[token, id]`, the form tokenizer.json uses for BERT/RoBERTa processors. */
export type SpecialPair = [string, number];

function wrapOne(e: Encoding, before: SpecialPair[], after: SpecialPair[], typeIds: number[], sequenceId: number, overflowing: Encoding[]): Encoding {
  const nb = before.length;
  const n = e.ids.length;
  const specials = [...before, ...after];
  const zeroOffsets = (k: number) => Array.from({ length: k }, (): [number, number] => [0, 0]);
  return new Encoding({
    ids: [...before.map((s) => s[1]), ...e.ids, ...after.map((s) => s[1])],
    tokens: [...before.map((s) => s[0]), ...e.tokens, ...after.map((s) => s[0])],
    typeIds,
    offsets: [...zeroOffsets(nb), ...e.offsets, ...zeroOffsets(after.length)],
    wordIds: [...before.map(() => null), ...e.wordIds, ...after.map(() => null)],
    specialTokensMask: [...before.map(() => 1), ...e.ids.map(() => 0), ...after.map(() => 1)],
    attentionMask: new Array<number>(n + specials.length).fill(1),
    overflowing,
    sequenceRanges: new Map([[sequenceId, [nb, nb + n]]]),
  });
}

/**
 * Puts `before` and `after` special tokens around `e` and around each of its overflowing windows;
 * `typeIdsOf` gives the full type id list for an encoding of the given length.
 */
export function wrapWithSpecials(
  e: Encoding,
  before: SpecialPair[],
  after: SpecialPair[],
  sequenceId: number,
  typeIdsOf: (inner: Encoding) => number[],
): Encoding {
  const overflowing = e.overflowing.map((o) => wrapOne(o, before, after, typeIdsOf(o), sequenceId, []));
  return wrapOne(e, before, after, typeIdsOf(e), sequenceId, overflowing);
}

/**
 * ByteLevel offset trimming: moves offsets off leading/trailing spaces ("Ġ") of each token,
 * except the one space added by `add_prefix_space` in front of the first token.
 */
export function trimByteLevelOffsets(e: Encoding, addPrefixSpace: boolean): void {
  const isSpace = (ch: string) => ch === 'Ġ' || /^\p{White_Space}$/u.test(ch);
  for (let i = 0; i < e.tokens.length; i++) {
    const chars = [...e.tokens[i]];
    let leading = 0;
    while (leading < chars.length && isSpace(chars[leading])) leading++;
    let trailing = 0;
    while (trailing < chars.length && isSpace(chars[chars.length - 1 - trailing])) trailing++;
    if (leading === 0 && trailing === 0) continue;
    const o = e.offsets[i];
    if (leading > 0) {
      const isFirst = i === 0 || o[0] === 0;
      if (isFirst && addPrefixSpace && leading === 1) leading = 0;
      o[0] = Math.min(o[0] + leading, o[1]);
    }
    if (trailing > 0 && o[1] >= trailing) o[1] = Math.max(o[1] - trailing, o[0]);
  }
}
