/**
 * The merge loop of BPE on one word: symbols in a doubly linked list and a priority queue of
 * candidate merges ordered by merge rank, then position. Stale queue entries are skipped when
 * popped, as in HF's `Word::merge_all`; with dropout each popped merge may be skipped at random.
 */
import { BinaryHeap } from '../binary-heap';

/**
 * Merge table over symbols (dense indices standing for ids): pair key → rank (the merge's line
 * number); `newSymbols[rank]` is the merged symbol.
 */
export interface MergeTable {
  index: Map<number, number>;
  newSymbols: Int32Array;
}

/** The base of `pairKey`: symbols stay below it (a JS Map holds at most 2^24 entries). */
export const PAIR_BASE = 2 ** 26;

/** Packs a pair of symbols into one number key, exact while both are below `PAIR_BASE`. */
export function pairKey(a: number, b: number): number {
  return a * PAIR_BASE + b;
}

/** Symbols of a word after merging and their `[start, end)` offsets. */
export interface MergedWord {
  symbols: number[];
  starts: number[];
  ends: number[];
}

/** Applies merges to `symbols` with lengths `lens` (code units); returns the merged word. */
export function mergeWord(symbols: number[], lens: number[], merges: MergeTable, dropout: number, random: () => number): MergedWord {
  const n = symbols.length;
  const c = Int32Array.from(symbols);
  const len = Int32Array.from(lens);
  const prev = new Int32Array(n);
  const next = new Int32Array(n);
  const dead = new Uint8Array(n); // merged into its left neighbour (lengths may be 0, so a flag)
  for (let i = 0; i < n; i++) {
    prev[i] = i - 1;
    next[i] = i + 1 < n ? i + 1 : -1;
  }
  const queue = new BinaryHeap<undefined>(); // (rank, position)
  for (let i = 0; i + 1 < n; i++) {
    const m = merges.index.get(pairKey(c[i], c[i + 1]));
    if (m !== undefined) queue.push(m, i, undefined);
  }
  const skipped: [number, number][] = [];
  while (queue.size > 0) {
    const rank = queue.topPrimary;
    const pos = queue.topSecondary;
    queue.pop();
    if (dropout > 0 && random() < dropout) {
      skipped.push([rank, pos]);
      continue;
    }
    for (const [r, p] of skipped) queue.push(r, p, undefined);
    skipped.length = 0;
    if (dead[pos] || next[pos] === -1) continue;
    const right = next[pos];
    const m = merges.index.get(pairKey(c[pos], c[right]));
    // A stale entry is skipped unless the pair now there yields the same token (HF's rule).
    if (m === undefined || merges.newSymbols[m] !== merges.newSymbols[rank]) continue;
    c[pos] = merges.newSymbols[rank];
    len[pos] += len[right];
    dead[right] = 1;
    next[pos] = next[right];
    if (next[right] !== -1) prev[next[right]] = pos;
    if (prev[pos] >= 0) {
      const pm = merges.index.get(pairKey(c[prev[pos]], c[pos]));
      if (pm !== undefined) queue.push(pm, prev[pos], undefined);
    }
    if (next[pos] !== -1) {
      const nm = merges.index.get(pairKey(c[pos], c[next[pos]]));
      if (nm !== undefined) queue.push(nm, pos, undefined);
    }
  }
  const out: MergedWord = { symbols: [], starts: [], ends: [] };
  let offset = 0;
  for (let i = 0; i < n; i++) {
    if (dead[i]) continue;
    out.symbols.push(c[i]);
    out.starts.push(offset);
    offset += len[i];
    out.ends.push(offset);
  }
  return out;
}
