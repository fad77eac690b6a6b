/**
 * Where `map` keeps its results between runs. The main entry has the interface and an
 * in-memory cache; `@graft/data/node` has `diskCache(dir)`, which writes each result atomically.
 */

/** One cached `map` result: the rows, and the columns the function wrote (to keep the other columns' features). */
export interface MapCacheEntry {
  rows: object[];
  changed: string[];
}

/** A store for `map` results, keyed by the map's fingerprint (input, function source, options). */
export interface MapCache {
  /** Where it keeps results, for messages (a folder, `memory`). */
  readonly description: string;
  /** The entry stored under `key`, or null (a missing or unreadable entry is a miss). */
  get(key: string): Promise<MapCacheEntry | null>;
  /** Stores an entry under `key`, all or nothing. */
  set(key: string, entry: MapCacheEntry): Promise<void>;
}

/** A cache in memory (for browsers, and for tests); entries live as long as the cache. */
export function memoryCache(): MapCache {
  const entries = new Map<string, MapCacheEntry>();
  return {
    description: 'memory',
    get: async (key) => entries.get(key) ?? null,
    set: async (key, entry) => void entries.set(key, entry),
  };
}
