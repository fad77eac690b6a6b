/**
 * A prefix trie over UTF-16 code units, answering "which vocabulary pieces start at position i"
 * in one walk. Used by Unigram (all prefixes, for the lattice) and the SentencePiece processor.
 */

/** Trie mapping strings to non-negative integer values. */
export class Trie {
  private children: Map<number, number>[] = [new Map()];
  private values: number[] = [-1];

  /** Inserts `key` with `value` (later inserts of the same key win). */
  insert(key: string, value: number): void {
    let node = 0;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      let child = this.children[node].get(c);
      if (child === undefined) {
        child = this.children.length;
        this.children.push(new Map());
        this.values.push(-1);
        this.children[node].set(c, child);
      }
      node = child;
    }
    this.values[node] = value;
  }

  /**
   * Calls `fn(value, end)` for every key that occurs at `text[start..end)`, shortest first.
   */
  prefixes(text: string, start: number, fn: (value: number, end: number) => void): void {
    let node = 0;
    for (let i = start; i < text.length; i++) {
      const child = this.children[node].get(text.charCodeAt(i));
      if (child === undefined) return;
      node = child;
      const v = this.values[node];
      if (v >= 0) fn(v, i + 1);
    }
  }
}
