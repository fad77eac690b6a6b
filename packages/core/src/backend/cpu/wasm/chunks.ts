/**
 * The task protocol shared by the main thread and the worker threads: one descriptor in a
 * control block on the shared heap, split into chunks that every participating thread claims
 * with a compare-and-swap until none are left.
 *
 * `runChunks` is also the heart of the worker's source (`pool.ts` embeds `runChunks.toString()`),
 * so it must stay self-contained: no imports, no module constants, plain JavaScript semantics.
 */

/** Int32 indices of the control block. */
export const CTRL = {
  /** Task generation, bumped (and notified) to publish a task. */
  GEN: 0,
  /** (generation & 0x7ff) << 20 | next unclaimed chunk. */
  CLAIM: 1,
  /** Chunks finished; the publisher waits for it to reach NCHUNKS. */
  DONE: 2,
  /** 0: GEMM task (fn(chunk, desc, work)); 1: row-range task. */
  KIND: 3,
  NCHUNKS: 4,
  /** Index of the export in the shared name list. */
  FN: 5,
  ARGC: 6,
  /** Row tasks: which argument holds the row count, the rows in all, and rows per chunk. */
  ROWARG: 7,
  NROWS: 8,
  PER: 9,
  /** Row tasks: pointer arguments advanced by chunk start · bytes per row, as (index, bytes) pairs from PTRS. */
  NPTR: 10,
  /** Set when a chunk threw; the publisher throws. */
  ERR: 11,
  /** Workers that have started and wait for tasks. */
  READY: 12,
  /** GEMM tasks: the address of the GEMM descriptor. */
  DESC: 13,
  /** Set to make the workers exit. */
  STOP: 14,
  PTRS: 16,
  /** Per-thread workspace addresses (thread 0 is the main thread). */
  WORK: 32,
  /** Float64 index of the first argument (arguments are f64s: i32 and f32 values are exact in f64). */
  ARGS_F64: 64,
  /** Bytes of the control block. */
  BYTES: 1024,
  MAX_THREADS: 32,
  MAX_ARGS: 48,
} as const;

type Fn = (...args: number[]) => unknown;

/**
 * Claims and runs chunks of the current task until none are left; returns how many it ran.
 * Safe against a task being replaced mid-way: a claim only succeeds while the claim word still
 * carries the generation this thread read the descriptor under.
 */
export function runChunks(I: Int32Array, F: Float64Array, fns: Fn[], thread: number): number {
  const gen = Atomics.load(I, 0);
  const kind = I[3];
  const n = I[4];
  const fn = fns[I[5]];
  const argc = I[6];
  const rowArg = I[7];
  const nrows = I[8];
  const per = I[9];
  const nptr = I[10];
  const desc = I[13];
  const work = I[32 + thread];
  const args: number[] = [];
  for (let i = 0; i < argc; i++) args.push(F[64 + i]);
  const ptrs: number[] = [];
  for (let i = 0; i < nptr; i++) ptrs.push(I[16 + 2 * i], I[17 + 2 * i]);
  if (Atomics.load(I, 0) !== gen) return 0;
  const tag = (gen & 0x7ff) << 20;
  let ran = 0;
  for (;;) {
    const c = Atomics.load(I, 1);
    if ((c & ~0xfffff) !== tag) return ran;
    const chunk = c & 0xfffff;
    if (chunk >= n) return ran;
    if (Atomics.compareExchange(I, 1, c, c + 1) !== c) continue;
    try {
      if (kind === 0) {
        fn(chunk, desc, work);
      } else {
        const r0 = chunk * per;
        const a = args.slice();
        a[rowArg] = Math.min(nrows, r0 + per) - r0;
        for (let i = 0; i < ptrs.length; i += 2) a[ptrs[i]] += r0 * ptrs[i + 1];
        fn(...a);
      }
    } catch {
      Atomics.store(I, 11, 1);
    }
    ran++;
    if (Atomics.add(I, 2, 1) + 1 === n) Atomics.notify(I, 2);
  }
}
