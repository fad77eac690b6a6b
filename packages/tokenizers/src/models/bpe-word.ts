/**
 * The merge loop of BPE on one word: symbols in a doubly linked list and a priority queue of
 * candidate merges ordered by merge rank, then position. Stale queue entries are skipped when
 * popped, as in HF's `Word::merge_all`; with dropout each popped merge may be skipped at random.
 */

/**
 * Merge table over symbols (dense indices standing for ids): pair key → rank (the merge's line
 * number); `newSymbols[rank]` is the merged symbol.
 */
export interface MergeTable {
  index: Map<number, number>;
  newSymbols: Int32Array;
}

/** Packs a pair of symbols into one number key (symbols below 2^26; a Map holds at most 2^24). */
export function pairKey(a: number, b: number): number {
  return a * 67108864 + b;
}

/** Symbols of a word after merging and their `[start, end)` offsets. */
export interface MergedWord {
  symbols: number[];
  starts: number[];
  ends: number[];
}

/** Min-heap of (rank, position) packed as rank * 2^21 + position. */
class MergeQueue {
  private heap: number[] = [];
  get size(): number {
    return this.heap.length;
  }
  push(rank: number, pos: number): void {
    const h = this.heap;
    h.push(rank * 2097152 + pos);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p] <= h[i]) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
  }
  pop(): number {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l] < h[m]) m = l;
        if (r < h.length && h[r] < h[m]) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }
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
  const queue = new MergeQueue();
  for (let i = 0; i + 1 < n; i++) {
    const m = merges.index.get(pairKey(c[i], c[i + 1]));
    if (m !== undefined) queue.push(m, i);
  }
  const skipped: [number, number][] = [];
  while (queue.size > 0) {
    const top = queue.pop();
    const rank = Math.floor(top / 2097152);
    const pos = top - rank * 2097152;
    if (dropout > 0 && random() < dropout) {
      skipped.push([rank, pos]);
      continue;
    }
    for (const [r, p] of skipped) queue.push(r, p);
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
      if (pm !== undefined) queue.push(pm, prev[pos]);
    }
    if (next[pos] !== -1) {
      const nm = merges.index.get(pairKey(c[pos], c[next[pos]]));
      if (nm !== undefined) queue.push(nm, pos);
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
