/**
 * Memory diagnostics: where live tensors were created (when asked), what the garbage collector
 * had to release because nobody disposed it, and the out-of-memory error that says both.
 *
 * A training loop without `scope()` on the CPU fills the WebAssembly heap while the JS heap
 * stays small (a tensor object is a few hundred bytes; its data lives in the heap), so the
 * FinalizationRegistry safety net rarely runs before the heap is full. The error then has to
 * explain the fix, not just the symptom.
 *
 * Both switches are off by default and cost one boolean test per tensor while off. They read the
 * environment (`GRAFT_DEBUG_ALLOC=1`, `GRAFT_WARN_LEAKS=1`) on first use, not at import.
 */
import { OutOfMemoryError } from './errors';
import type { MemoryInfo } from './memory';

type Env = Record<string, string | undefined>;
const env = (): Env => (globalThis as { process?: { env?: Env } }).process?.env ?? {};
const truthy = (v: string | undefined) => v !== undefined && v !== '' && v !== '0' && v !== 'false';

let debugAllocations: boolean | undefined;
let warnLeaks: boolean | undefined;

/**
 * Records where each tensor is created (a stack trace per tensor: slow, for debugging), so
 * `liveAllocationSites()`, leak warnings and out-of-memory errors can say where most live
 * tensors came from. Also switched on by the environment variable `GRAFT_DEBUG_ALLOC=1`.
 */
export function setDebugAllocations(on: boolean): void {
  debugAllocations = on;
}

/** Warns (console.warn) when tensors are garbage-collected without `dispose()`. Also on with `GRAFT_WARN_LEAKS=1`. */
export function setLeakWarnings(on: boolean): void {
  warnLeaks = on;
}

function debugging(): boolean {
  debugAllocations ??= truthy(env().GRAFT_DEBUG_ALLOC);
  return debugAllocations;
}

// ---- allocation sites ----

/**
 * Frames from this package's own files are skipped: the site is where the caller's code made the
 * tensor (this package's tests count as callers).
 */
const OWN_DIR = import.meta.url.slice(0, import.meta.url.lastIndexOf('/') + 1).replace(/^file:\/\//, '');
const isOwnFrame = (f: string) =>
  (f.includes(OWN_DIR) && !/\.test\.[cm]?[jt]s/.test(f)) || f.includes('node:internal') || f.includes('/node_modules/@graft/core/');
const liveBySite = new Map<string, number>();

/** @internal where a tensor being created comes from, when allocation debugging is on */
export function allocationSite(): string | undefined {
  if (!debugging()) return undefined;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const frames = stack
    .split('\n')
    .slice(1)
    .map((line) => line.trim().replace(/^at /, '').replace('file://', ''))
    .filter((f) => !isOwnFrame(f))
    // file:line without the column, so that two calls on one line are one site
    .map((f) => f.replace(/:(\d+):\d+(\)?)$/, ':$1$2'));
  return frames.slice(0, 2).join(' ← ') || '(unknown)';
}

/** @internal counts a live tensor at its site */
export function noteAlive(site: string | undefined, delta: 1 | -1): void {
  if (site === undefined) return;
  const n = (liveBySite.get(site) ?? 0) + delta;
  if (n > 0) liveBySite.set(site, n);
  else liveBySite.delete(site);
}

/**
 * Where the live tensors were created, most first: `[{ site, count }]`. Empty unless allocation
 * debugging was on (`setDebugAllocations(true)` or `GRAFT_DEBUG_ALLOC=1`) when they were created.
 */
export function liveAllocationSites(limit = 10): { site: string; count: number }[] {
  return topSites(liveBySite, limit);
}

function topSites(counts: Map<string, number>, limit: number): { site: string; count: number }[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([site, count]) => ({ site, count }));
}

// ---- the garbage-collection safety net ----

let collected = 0;
let collectedBytes = 0;
let pending = { tensors: 0, bytes: 0, sites: new Map<string, number>() };
let flushScheduled = false;
let lastWarning = -Infinity;
/** At most one warning per this many ms: a leaking loop would otherwise warn after every GC. */
const WARN_EVERY_MS = 10_000;

/** Tensors (and the bytes of storage) the garbage collector released because they were never disposed. */
export function leaks(): { tensors: number; bytes: number } {
  return { tensors: collected, bytes: collectedBytes };
}

/** @internal the safety net released a tensor (and `bytes` of storage, when it held the last reference) */
export function noteCollected(bytes: number, site: string | undefined): void {
  collected++;
  collectedBytes += bytes;
  warnLeaks ??= truthy(env().GRAFT_WARN_LEAKS);
  if (!warnLeaks) return;
  pending.tensors++;
  pending.bytes += bytes;
  if (site !== undefined) pending.sites.set(site, (pending.sites.get(site) ?? 0) + 1);
  // One GC releases many tensors, one callback each: warn once, after the whole batch is counted.
  if (!flushScheduled) {
    flushScheduled = true;
    const timer = setTimeout(flushLeakWarning, Math.max(0, lastWarning + WARN_EVERY_MS - Date.now())) as { unref?: () => void };
    timer.unref?.();
  }
}

function flushLeakWarning(): void {
  flushScheduled = false;
  if (pending.tensors === 0) return;
  lastWarning = Date.now();
  const { tensors, bytes, sites } = pending;
  pending = { tensors: 0, bytes: 0, sites: new Map() };
  const where = sites.size
    ? `; created at:\n${formatSites(topSites(sites, 5))}`
    : ' (GRAFT_DEBUG_ALLOC=1 or setDebugAllocations(true) shows where they were created)';
  console.warn(
    `graft: ${count(tensors)} tensor(s) holding ${formatBytes(bytes)} were garbage-collected without dispose() (${count(collected)} so far); ` +
      `wrap each step in scope()/scopeAsync(), use the Trainer, or call dispose()${where}`,
  );
}

// ---- out of memory ----

/**
 * @internal the error for a device that has no room for `requested` more bytes, given `info`
 * (from `memory()`): how many tensors are alive and how many bytes they hold, how to release
 * them, and (when allocation debugging is on) where most of them were created.
 */
export function buildOutOfMemoryError(device: string, requested: number, what: string, info: MemoryInfo): OutOfMemoryError {
  const held = info.devices[device];
  const sites = liveAllocationSites(5);
  const lines = [
    `graft: ${what} while allocating ${formatBytes(requested)} on '${device}'.`,
    `${count(info.tensors)} tensors are alive${held ? `, holding ${formatBytes(held.bytes)} in ${count(held.buffers)} buffers on '${device}'` : ''}.`,
    'Tensors created outside a scope live until dispose(): wrap each training or evaluation step in scope(() => …) or ' +
      'await scopeAsync(async () => …) (keep() what must outlive it), use the Trainer (it scopes every step), or call dispose() on tensors you are done with.',
    sites.length
      ? `Most live tensors were created at:\n${formatSites(sites)}`
      : 'Run with GRAFT_DEBUG_ALLOC=1 (or call setDebugAllocations(true)) to see where most live tensors were created.',
  ];
  return new OutOfMemoryError(device, lines.join('\n'));
}

function formatSites(sites: { site: string; count: number }[]): string {
  return sites.map(({ site, count: n }) => `  ${count(n).padStart(9)} × ${site}`).join('\n');
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
