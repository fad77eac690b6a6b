/**
 * The free blocks of the WASM heap's general region, indexed two ways: by size, in bins (eight
 * per power of two, so a bin's blocks differ by at most an eighth) with a bitmap of the
 * non-empty bins, for a good fit in O(1); and by both ends, so that a freed block merges with
 * free neighbours in O(1). All of it lives in JS maps: the heap itself carries no headers, since
 * WASM kernels and worker threads use every byte of a block.
 *
 * Sizes and addresses are multiples of 64 bytes (the heap's alignment).
 */

const UNIT = 64;
/** log2 of the bins per power of two. */
const SUB_BITS = 3;
const SUB = 1 << SUB_BITS;
/** Bins for sizes up to 2^32 bytes (2^26 units), the most a wasm32 memory spans. */
const BINS = (26 - SUB_BITS + 1) * SUB + SUB;
/** Blocks of the request's own bin examined for a fit before a larger bin is used. */
const SCAN = 16;

/** The bin of a size in units: exact below 2·SUB, then SUB bins per power of two. */
export function binOf(units: number): number {
  if (units < 2 * SUB) return units;
  const log = 31 - Math.clz32(units);
  return (log - SUB_BITS) * SUB + (units >>> (log - SUB_BITS));
}

/** Index of the lowest set bit of a non-zero 32-bit word. */
const lowestBit = (w: number) => 31 - Math.clz32(w & -w);

/** Free blocks by size and by address; the heap decides when to coalesce, split or hand back. */
export class FreeBlocks {
  /** start → size, for every free block. */
  readonly #size = new Map<number, number>();
  /** end → start, to find the free block just below an address. */
  readonly #byEnd = new Map<number, number>();
  /** start → index in its bin, for O(1) removal from the middle of a bin. */
  readonly #pos = new Map<number, number>();
  readonly #bins: number[][] = Array.from({ length: BINS }, () => []);
  readonly #nonEmpty = new Uint32Array(Math.ceil(BINS / 32));
  #bytes = 0;

  /** Total bytes in free blocks. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Whether a free block starts at `start` (a cheap guard against freeing a block twice). */
  has(start: number): boolean {
    return this.#size.has(start);
  }

  /** Adds a block; the caller guarantees it neither overlaps nor touches another free block. */
  insert(start: number, size: number): void {
    this.#size.set(start, size);
    this.#byEnd.set(start + size, start);
    const b = binOf(size / UNIT);
    const bin = this.#bins[b];
    this.#pos.set(start, bin.length);
    bin.push(start);
    this.#nonEmpty[b >>> 5] |= 1 << (b & 31);
    this.#bytes += size;
  }

  /** Removes the free block at `start` and returns its size. */
  remove(start: number): number {
    const size = this.#size.get(start)!;
    this.#size.delete(start);
    this.#byEnd.delete(start + size);
    const b = binOf(size / UNIT);
    const bin = this.#bins[b];
    const i = this.#pos.get(start)!;
    this.#pos.delete(start);
    const last = bin.pop()!;
    if (last !== start) {
      bin[i] = last;
      this.#pos.set(last, i);
    }
    if (!bin.length) this.#nonEmpty[b >>> 5] &= ~(1 << (b & 31));
    this.#bytes -= size;
    return size;
  }

  /** The start of a free block of at least `size` bytes (left in place), or -1. */
  #find(size: number): number {
    const units = size / UNIT;
    const b = binOf(units);
    const own = this.#bins[b];
    // the own bin holds sizes on both sides of the request: the best of its newest few
    let best = -1;
    let bestSize = Infinity;
    for (let i = own.length - 1, n = 0; i >= 0 && n < SCAN; i--, n++) {
      const s = this.#size.get(own[i])!;
      if (s >= size && s < bestSize) {
        best = own[i];
        bestSize = s;
        if (s === size) break;
      }
    }
    if (best >= 0) return best;
    // every block of a higher bin fits: the lowest non-empty one, newest block (warm in cache)
    const hb = this.#firstNonEmpty(b + 1);
    if (hb < 0) return -1;
    const bin = this.#bins[hb];
    return bin[bin.length - 1];
  }

  #firstNonEmpty(from: number): number {
    if (from >= BINS) return -1;
    let w = from >>> 5;
    let word = this.#nonEmpty[w] & (~0 << (from & 31));
    while (!word) {
      if (++w >= this.#nonEmpty.length) return -1;
      word = this.#nonEmpty[w];
    }
    return (w << 5) + lowestBit(word);
  }

  /**
   * Takes `size` bytes from the best-fitting free block, splitting it: the low part is returned
   * and the rest stays free (its neighbours are the block's, so nothing needs merging). -1 when
   * no free block is large enough.
   */
  take(size: number): number {
    const start = this.#find(size);
    if (start < 0) return -1;
    const have = this.remove(start);
    if (have > size) this.insert(start + size, have - size);
    return start;
  }

  /**
   * Removes the free neighbours of the block [start, start + size) and returns the merged
   * extent as [start, size]; the caller inserts it or hands it back to the bump pointer.
   */
  merge(start: number, size: number): [number, number] {
    const below = this.#byEnd.get(start);
    if (below !== undefined) {
      size += this.remove(below);
      start = below;
    }
    if (this.#size.has(start + size)) size += this.remove(start + size);
    return [start, size];
  }
}
