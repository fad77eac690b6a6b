/**
 * A read-only prefix trie over UTF-16 code units, stored in flat typed arrays for fast
 * longest-match walks. WordPiece asks "what is the longest vocabulary piece starting here" once
 * per piece; walking forward through a trie answers that in one pass over the characters, where
 * trying every shorter substring against a Map would allocate and hash a string per attempt.
 *
 * Layout (compressed sparse rows): the edges of node `n` are `edgeChar/edgeTo[first[n]..first[n+1])`,
 * sorted by code unit. The root, which has by far the most children, also gets a dense table.
 */
import { isHighSurrogate, isLowSurrogate } from '../unicode';

/** Trie from strings to non-negative integers, built once. */
export class FlatTrie {
  private readonly first: Int32Array;
  private readonly edgeChar: Uint16Array;
  private readonly edgeTo: Int32Array;
  private readonly value: Int32Array;
  private readonly rootTable: Int32Array;
  // Nodes with many children (the prefix node "##" has hundreds) also get a dense row for ASCII.
  private readonly asciiRow: Int32Array;
  private readonly asciiRows: Int32Array;
  /** The value of the key found by the last successful `longestMatch`. */
  matchedValue = -1;

  /** Builds the trie from `[key, value]` pairs (values must be ≥ 0; a repeated key keeps the last). */
  constructor(entries: Iterable<readonly [string, number]>) {
    // Sorted keys put every node's subtree in one contiguous run, so the nodes can be laid out
    // depth-first straight from the sorted list, without building a tree of Maps first.
    const byKey = new Map<string, number>();
    for (const [key, v] of entries) byKey.set(key, v);
    const keys = [...byKey.keys()].sort(); // by UTF-16 code units, a prefix before its extensions
    let capacity = 1;
    for (const k of keys) capacity += k.length;
    const first = new Int32Array(capacity + 1);
    const values = new Int32Array(capacity);
    const edgeChar = new Uint16Array(capacity);
    const edgeTo = new Int32Array(capacity);
    let nodes = 0;
    let edges = 0;
    // Lays out the nodes depth-first with an explicit stack (a recursion would be as deep as the
    // longest key: a 5,000-character vocabulary entry overflowed the call stack). A frame is the
    // run keys[lo..hi) that agrees on its first `depth` code units, and the edge slot that will
    // point at its node. A node writes its edges before any later node does, so they end where
    // the next node's begin; children are pushed in reverse so that they are laid out in order.
    const frames: number[] = [0, keys.length, 0, -1]; // lo, hi, depth, parent edge slot
    while (frames.length > 0) {
      const slot = frames.pop()!;
      const depth = frames.pop()!;
      const hi = frames.pop()!;
      let lo = frames.pop()!;
      const node = nodes++;
      if (slot >= 0) edgeTo[slot] = node;
      values[node] = lo < hi && keys[lo].length === depth ? byKey.get(keys[lo++])! : -1;
      first[node] = edges;
      const base = edges;
      for (let i = lo; i < hi; ) {
        const c = keys[i].charCodeAt(depth);
        let j = i + 1;
        while (j < hi && keys[j].charCodeAt(depth) === c) j++;
        edgeChar[edges] = c;
        edgeTo[edges++] = i; // the start of the child's run, until the child is laid out
        i = j;
      }
      for (let g = edges - 1; g >= base; g--) {
        const runEnd = g + 1 < edges ? edgeTo[g + 1] : hi;
        frames.push(edgeTo[g], runEnd, depth + 1, g);
      }
    }
    first[nodes] = edges;
    this.first = first.slice(0, nodes + 1);
    this.value = values.slice(0, nodes);
    this.edgeChar = edgeChar.slice(0, edges);
    this.edgeTo = edgeTo.slice(0, edges);
    this.rootTable = new Int32Array(0x10000).fill(-1);
    for (let k = this.first[0]; k < this.first[1]; k++) this.rootTable[this.edgeChar[k]] = this.edgeTo[k];
    this.asciiRow = new Int32Array(nodes).fill(-1);
    const wide: number[] = [];
    for (let p = 1; p < nodes; p++) if (this.first[p + 1] - this.first[p] > DENSE_FROM) wide.push(p);
    this.asciiRows = new Int32Array(wide.length * 128).fill(-1);
    wide.forEach((p, row) => {
      this.asciiRow[p] = row;
      for (let k = this.first[p]; k < this.first[p + 1] && this.edgeChar[k] < 128; k++) this.asciiRows[row * 128 + this.edgeChar[k]] = this.edgeTo[k];
    });
  }

  /** The root node (the empty key). */
  get root(): number {
    return 0;
  }

  /** The node reached by following `key` from `node`, or -1. */
  walk(node: number, key: string): number {
    for (let i = 0; i < key.length && node >= 0; i++) node = this.child(node, key.charCodeAt(i));
    return node;
  }

  /** The child of `node` along code unit `c`, or -1. */
  child(node: number, c: number): number {
    if (node === 0) return this.rootTable[c];
    let lo = this.first[node];
    let hi = this.first[node + 1];
    // Most nodes have a handful of children: a linear scan beats a binary search there.
    if (hi - lo <= DENSE_FROM) {
      for (; lo < hi; lo++) {
        const ec = this.edgeChar[lo];
        if (ec === c) return this.edgeTo[lo];
        if (ec > c) return -1;
      }
      return -1;
    }
    if (c < 128) return this.asciiRows[this.asciiRow[node] * 128 + c];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const ec = this.edgeChar[mid];
      if (ec === c) return this.edgeTo[mid];
      if (ec < c) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }

  /** The value stored at `node`, or -1. */
  valueAt(node: number): number {
    return this.value[node];
  }

  /**
   * The end of the longest key that, appended to `node`'s key, matches `text` from `start`
   * (never beyond `end`, never splitting a surrogate pair), or -1 when none does. The key's
   * value is left in `matchedValue`.
   */
  longestMatch(node: number, text: string, start: number, end: number): number {
    let best = -1;
    for (let i = start; i < end; ) {
      const c = text.charCodeAt(i++);
      node = this.child(node, c);
      if (node < 0) break;
      const v = this.value[node];
      if (v >= 0 && !(isHighSurrogate(c) && i < end && isLowSurrogate(text.charCodeAt(i)))) {
        best = i;
        this.matchedValue = v;
      }
    }
    return best;
  }
}

/** Nodes with more children than this get a dense ASCII row; fewer are scanned linearly. */
const DENSE_FROM = 8;
