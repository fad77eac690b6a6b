/**
 * Bind groups cached by (layout, buffers, offsets, sizes). Creating a bind group is the most
 * expensive call of a small dispatch (about 45 µs in Dawn's Node binding, several times the cost
 * of encoding the dispatch itself), while a training step binds the same pooled buffers and the
 * same meta slots in the same pattern every step. Groups reference their buffers, so the cache is
 * cleared whenever the pool destroys one; it is also bounded, dropping the oldest groups first.
 */

/** One buffer binding: the buffer, its pool id, and the bound range. */
export interface BindingSpec {
  readonly gpu: GPUBuffer;
  /** Unique per GPUBuffer for the buffer's lifetime (see BufferPool.idOf). */
  readonly id: number;
  /** Bytes bound, from `offset`. */
  readonly bindSize: number;
  /** Where the bound range starts (default 0). */
  readonly offset?: number;
}

/** The bind-group cache's counters: lookups served from the cache, groups created, groups held. */
export interface BindGroupStats {
  hits: number;
  misses: number;
  size: number;
}

export class BindGroupCache {
  readonly #groups = new Map<string, GPUBindGroup>();
  #hits = 0;
  #misses = 0;

  constructor(
    private readonly device: GPUDevice,
    /** Groups kept at most; the oldest are dropped beyond it. */
    private readonly capacity = 8192,
  ) {}

  /** The bind group binding `bindings` in order (binding i gets `bindings[i]`), created on a miss. `layoutId` identifies `layout`. */
  get(layout: GPUBindGroupLayout, layoutId: number, bindings: readonly BindingSpec[]): GPUBindGroup {
    let key = `${layoutId}`;
    for (let i = 0; i < bindings.length; i++) {
      const b = bindings[i];
      key += b.offset ? `|${b.id}@${b.offset}:${b.bindSize}` : b.bindSize === b.gpu.size ? `|${b.id}` : `|${b.id}:${b.bindSize}`;
    }
    const hit = this.#groups.get(key);
    if (hit) {
      this.#hits++;
      return hit;
    }
    this.#misses++;
    const entries: GPUBindGroupEntry[] = [];
    for (let i = 0; i < bindings.length; i++) {
      const b = bindings[i];
      entries.push({ binding: i, resource: { buffer: b.gpu, offset: b.offset ?? 0, size: b.bindSize } });
    }
    const group = this.device.createBindGroup({ layout, entries });
    if (this.#groups.size >= this.capacity) {
      // Map iteration order is insertion order: drop the oldest eighth in one go
      let drop = this.capacity >> 3;
      for (const k of this.#groups.keys()) {
        this.#groups.delete(k);
        if (--drop === 0) break;
      }
    }
    this.#groups.set(key, group);
    return group;
  }

  /** Forgets every group (called when a bound buffer may have been destroyed). */
  clear(): void {
    this.#groups.clear();
  }

  stats(): BindGroupStats {
    return { hits: this.#hits, misses: this.#misses, size: this.#groups.size };
  }
}
