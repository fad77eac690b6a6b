/**
 * The Viterbi search of Unigram models, shared by the tokenizer.json `Unigram` model and the
 * SentencePiece processor: over every way of cutting `text` into vocabulary pieces (found with a
 * prefix trie at each character), the one with the highest total score. A character no
 * single-character piece covers gets the unknown piece's score, so there is always a path.
 *
 * The two callers differ only in arithmetic (SentencePiece accumulates in float32, HF in
 * float64, and ties at equal scores can therefore break differently) and in which pieces count
 * and with what score, which they pass in.
 */
import type { Trie } from './trie';

/** How the lattice scores pieces. */
export interface LatticeScoring {
  /** The score of piece `id`, or null when the piece may not be used. */
  score(id: number): number | null;
  /** The unknown piece's id and score, or null when an uncovered character is an error. */
  unk: { id: number; score: number } | null;
  /** Accumulate scores in float32 (SentencePiece) instead of float64 (HF). */
  float32: boolean;
}

/** The best path: piece `k` is `text.slice(starts[k], starts[k + 1] ?? text.length)` with id `ids[k]`. */
export interface LatticePath {
  starts: number[];
  ids: number[];
}

/**
 * Returns the best segmentation of `text`, or null when a character is not covered and there is
 * no unknown piece. Among equal scores the first candidate found (the shortest piece, then the
 * earliest start) wins, as in SentencePiece and HF.
 */
export function bestPath(text: string, trie: Trie, scoring: LatticeScoring): LatticePath | null {
  const n = text.length;
  const { float32, unk } = scoring;
  const score = float32 ? new Float32Array(n + 1) : new Float64Array(n + 1);
  const from = new Int32Array(n + 1).fill(-1);
  const ids = new Int32Array(n + 1);
  const unkScore = unk === null ? 0 : float32 ? Math.fround(unk.score) : unk.score;
  for (let start = 0; start < n; ) {
    const c = text.charCodeAt(start);
    const mblen = c >= 0xd800 && c <= 0xdbff && start + 1 < n ? 2 : 1;
    const base = score[start];
    let single = false;
    trie.prefixes(text, start, (id, end) => {
      const s = scoring.score(id);
      if (s === null) return;
      const candidate = float32 ? Math.fround(s + base) : s + base;
      if (from[end] === -1 || candidate > score[end]) {
        score[end] = candidate;
        from[end] = start;
        ids[end] = id;
      }
      if (end - start === mblen) single = true;
    });
    if (!single) {
      if (unk === null) return null;
      const end = start + mblen;
      const candidate = float32 ? Math.fround(unkScore + base) : unkScore + base;
      if (from[end] === -1 || candidate > score[end]) {
        score[end] = candidate;
        from[end] = start;
        ids[end] = unk.id;
      }
    }
    start += mblen;
  }
  const starts: number[] = [];
  const pathIds: number[] = [];
  for (let end = n; end > 0; end = from[end]) {
    starts.push(from[end]);
    pathIds.push(ids[end]);
  }
  return { starts: starts.reverse(), ids: pathIds.reverse() };
}
