/**
 * The package's one priority queue: a binary min-heap ordered by a pair of numbers (primary,
 * then secondary), each entry carrying an item. BPE's merge loop (rank, position), SentencePiece
 * BPE (−score, left symbol) and the BPE trainer (−count, pair key) all fit that shape. The keys
 * live in parallel number arrays, so comparisons never call a function and never read an
 * object; two keys instead of one packed number also mean no position or rank limit.
 *
 * Equal keys keep the exact pop order of the three heaps this replaced (sift up while strictly
 * smaller than the parent; sift down to the strictly smallest child, left first).
 */

/** A min-heap of items keyed by `(primary, secondary)`. */
export class BinaryHeap<T> {
  private readonly primary: number[] = [];
  private readonly secondary: number[] = [];
  private readonly items: T[] = [];

  /** Number of entries. */
  get size(): number {
    return this.items.length;
  }

  /** Primary key of the smallest entry (undefined when empty). */
  get topPrimary(): number {
    return this.primary[0];
  }

  /** Secondary key of the smallest entry (undefined when empty). */
  get topSecondary(): number {
    return this.secondary[0];
  }

  /** Adds `item` under the key `(primary, secondary)`. */
  push(primary: number, secondary: number, item: T): void {
    const p = this.primary;
    const s = this.secondary;
    let i = this.items.length;
    p.push(primary);
    s.push(secondary);
    this.items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!(p[i] < p[parent] || (p[i] === p[parent] && s[i] < s[parent]))) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Removes the smallest entry and returns its item; undefined when empty. */
  pop(): T | undefined {
    const n = this.items.length;
    if (n === 0) return undefined;
    const p = this.primary;
    const s = this.secondary;
    const top = this.items[0];
    const lastP = p.pop()!;
    const lastS = s.pop()!;
    const lastItem = this.items.pop()!;
    if (n > 1) {
      p[0] = lastP;
      s[0] = lastS;
      this.items[0] = lastItem;
      const m = n - 1;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < m && (p[l] < p[best] || (p[l] === p[best] && s[l] < s[best]))) best = l;
        if (r < m && (p[r] < p[best] || (p[r] === p[best] && s[r] < s[best]))) best = r;
        if (best === i) break;
        this.swap(i, best);
        i = best;
      }
    }
    return top;
  }

  private swap(a: number, b: number): void {
    const p = this.primary;
    const s = this.secondary;
    const items = this.items;
    const tp = p[a];
    p[a] = p[b];
    p[b] = tp;
    const ts = s[a];
    s[a] = s[b];
    s[b] = ts;
    const ti = items[a];
    items[a] = items[b];
    items[b] = ti;
  }
}
