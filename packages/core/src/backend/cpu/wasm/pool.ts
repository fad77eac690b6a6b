/**
 * Worker threads for the WASM kernels. Each worker instantiates the same module on the same
 * shared memory and sleeps on the control block; a task is published there and every thread,
 * the caller included, claims chunks of it until all are done (see `chunks.ts`). Workers start
 * lazily and join in when ready, so the first calls never wait for them: the caller runs
 * whatever nobody else claims.
 *
 * Node: `worker_threads` (from `process.getBuiltinModule`, so browsers never see a `node:`
 * import), unref'd so they never keep a process alive. Browsers: blob-URL workers, only on
 * cross-origin isolated pages (the memory must be shared); the main thread cannot Atomics.wait
 * there, so it spins for the last chunks instead.
 */
import { outOfMemory } from '../../../memory';
import { heapFull } from './operands';
import { CTRL, runChunks } from './chunks';
import type { KernelExports, WasmRuntime } from './runtime';

/** Exports a task may name, by index (the worker receives the same list). */
export const TASK_FNS = [
  'graft_gemm_task',
  'graft_binary',
  'graft_unary',
  'graft_reduce_rows',
  'graft_softmax_rows',
  'graft_layernorm_rows',
  'graft_adamw',
  'graft_gelu_backward',
  'graft_layernorm_backward_rows',
  'graft_softmax_backward_rows',
] as const;
export type TaskFn = (typeof TASK_FNS)[number];

const WORKER_SOURCE = `'use strict';
${runChunks.toString()}
function start(d) {
  const inst = new WebAssembly.Instance(d.module, { env: { memory: d.memory } });
  const fns = d.names.map((n) => inst.exports[n]);
  const I = new Int32Array(d.memory.buffer, d.ctrl, ${CTRL.BYTES / 4});
  const F = new Float64Array(d.memory.buffer, d.ctrl, ${CTRL.BYTES / 8});
  let seen = Atomics.load(I, ${CTRL.GEN});
  Atomics.add(I, ${CTRL.READY}, 1);
  for (;;) {
    Atomics.wait(I, ${CTRL.GEN}, seen);
    if (Atomics.load(I, ${CTRL.STOP})) return;
    seen = Atomics.load(I, ${CTRL.GEN});
    runChunks(I, F, fns, d.thread);
  }
}
if (typeof require === 'function') start(require('node:worker_threads').workerData);
else self.onmessage = (e) => start(e.data);
`;

interface WorkerLike {
  terminate(): unknown;
}

type NodeProcess = { getBuiltinModule?: (id: string) => unknown; versions?: { node?: string } };
const nodeProcess = (globalThis as { process?: NodeProcess }).process;
const isNode = typeof nodeProcess?.versions?.node === 'string';
// a browser window's main thread may not block in Atomics.wait
const canBlock = isNode || typeof (globalThis as { document?: unknown }).document === 'undefined';

/** The number of hardware threads, the default thread count. */
export function hardwareThreads(): number {
  if (isNode) {
    const os = nodeProcess?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number; cpus(): unknown[] } | undefined;
    if (os) return os.availableParallelism?.() ?? os.cpus().length;
  }
  return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
}

function spawn(rt: WasmRuntime, ctrl: number, thread: number): WorkerLike | null {
  const data = { module: rt.module, memory: rt.memory, ctrl, thread, names: TASK_FNS };
  if (isNode) {
    const wt = nodeProcess?.getBuiltinModule?.('node:worker_threads') as { Worker: new (src: string, o: object) => WorkerLike & { unref(): void } } | undefined;
    if (!wt) return null;
    const w = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: data });
    w.unref();
    return w;
  }
  if (typeof Worker === 'undefined' || !(globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated) return null;
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const w = new Worker(url);
  w.postMessage(data);
  return w;
}

export class ThreadPool {
  readonly #rt: WasmRuntime;
  readonly #I: Int32Array;
  readonly #F: Float64Array;
  readonly #fns: ((...a: number[]) => unknown)[];
  readonly #ctrl: number;
  #workers: WorkerLike[] = [];
  #threads = 1;
  #started = false;

  constructor(rt: WasmRuntime, threads: number) {
    this.#rt = rt;
    const workBytes = rt.x.graft_gemm_work_floats() * 4;
    const ctrl = rt.heap.alloc(CTRL.BYTES);
    if (ctrl === null) throw outOfMemory('cpu', CTRL.BYTES, heapFull(rt.heap));
    this.#ctrl = ctrl;
    this.#I = new Int32Array(rt.memory.buffer, ctrl, CTRL.BYTES / 4);
    this.#F = new Float64Array(rt.memory.buffer, ctrl, CTRL.BYTES / 8);
    for (let t = 0; t < CTRL.MAX_THREADS; t++) this.#I[CTRL.WORK + t] = t === 0 ? this.#workspace(workBytes) : 0;
    this.#fns = TASK_FNS.map((n) => (rt.x as unknown as Record<string, (...a: number[]) => unknown>)[n]);
    this.#threads = Math.max(1, Math.min(CTRL.MAX_THREADS, Math.floor(threads)));
  }

  #workspace(bytes: number): number {
    const p = this.#rt.heap.alloc(bytes);
    if (p === null) throw outOfMemory('cpu', bytes, heapFull(this.#rt.heap));
    return p;
  }

  /** Threads that work on a task (the caller's included). */
  get threads(): number {
    return this.#threads;
  }

  /** Workers started and waiting for tasks. */
  get readyWorkers(): number {
    return Atomics.load(this.#I, CTRL.READY);
  }

  /** The calling thread's GEMM workspace. */
  get mainWorkspace(): number {
    return this.#I[CTRL.WORK];
  }

  /** Changes the thread count; workers beyond it stop, new ones start on the next task. */
  resize(threads: number): void {
    const n = Math.max(1, Math.min(CTRL.MAX_THREADS, Math.floor(threads)));
    if (n === this.#threads) return;
    this.shutdown();
    this.#threads = n;
  }

  /** Stops every worker (a later task starts them again). */
  shutdown(): void {
    if (!this.#workers.length) return;
    Atomics.store(this.#I, CTRL.STOP, 1);
    Atomics.add(this.#I, CTRL.GEN, 1);
    Atomics.notify(this.#I, CTRL.GEN);
    for (const w of this.#workers) w.terminate();
    this.#workers = [];
    Atomics.store(this.#I, CTRL.READY, 0);
    Atomics.store(this.#I, CTRL.STOP, 0);
    this.#started = false;
  }

  #start(): void {
    this.#started = true;
    if (!this.#rt.shared) return;
    const workBytes = this.#rt.x.graft_gemm_work_floats() * 4;
    for (let t = 1; t < this.#threads; t++) {
      if (!this.#I[CTRL.WORK + t]) this.#I[CTRL.WORK + t] = this.#workspace(workBytes);
      const w = spawn(this.#rt, this.#ctrl, t);
      if (!w) break;
      this.#workers.push(w);
    }
  }

  /** Whether a task of `chunks` chunks is worth publishing to other threads at all. */
  parallel(chunks: number): boolean {
    if (this.#threads <= 1 || chunks <= 1 || !this.#rt.shared) return false;
    if (!this.#started) this.#start();
    return this.#workers.length > 0;
  }

  /** Runs GEMM tasks 0..chunks-1 of the descriptor at `desc` on every thread. */
  gemm(desc: number, chunks: number): void {
    if (!this.parallel(chunks)) {
      for (let t = 0; t < chunks; t++) this.#rt.x.graft_gemm_task(t, desc, this.mainWorkspace);
      return;
    }
    const I = this.#I;
    I[CTRL.KIND] = 0;
    I[CTRL.FN] = 0;
    I[CTRL.DESC] = desc;
    this.#publish(chunks);
  }

  /**
   * Runs export `fn` over `rows` rows split into chunks of `per` rows: argument `rowArg` gets the
   * chunk's row count and each `[index, bytesPerRow]` pointer argument is advanced to its start.
   */
  rows(fn: TaskFn, args: number[], rowArg: number, rows: number, per: number, ptrs: [number, number][]): void {
    const chunks = Math.ceil(rows / Math.max(1, per));
    const f = this.#fns[TASK_FNS.indexOf(fn)];
    if (!this.parallel(chunks)) {
      f(...args);
      return;
    }
    const I = this.#I;
    I[CTRL.KIND] = 1;
    I[CTRL.FN] = TASK_FNS.indexOf(fn);
    I[CTRL.ARGC] = args.length;
    for (let i = 0; i < args.length; i++) this.#F[CTRL.ARGS_F64 + i] = args[i];
    I[CTRL.ROWARG] = rowArg;
    I[CTRL.NROWS] = rows;
    I[CTRL.PER] = per;
    I[CTRL.NPTR] = ptrs.length;
    ptrs.forEach(([idx, bytes], i) => {
      I[CTRL.PTRS + 2 * i] = idx;
      I[CTRL.PTRS + 2 * i + 1] = bytes;
    });
    this.#publish(chunks);
  }

  #publish(chunks: number): void {
    const I = this.#I;
    I[CTRL.NCHUNKS] = chunks;
    Atomics.store(I, CTRL.DONE, 0);
    Atomics.store(I, CTRL.ERR, 0);
    const gen = (Atomics.load(I, CTRL.GEN) + 1) | 0;
    Atomics.store(I, CTRL.CLAIM, (gen & 0x7ff) << 20);
    Atomics.store(I, CTRL.GEN, gen);
    Atomics.notify(I, CTRL.GEN);
    runChunks(I, this.#F, this.#fns, 0);
    for (;;) {
      const done = Atomics.load(I, CTRL.DONE);
      if (done >= chunks) break;
      if (canBlock) Atomics.wait(I, CTRL.DONE, done, 100);
    }
    if (Atomics.load(I, CTRL.ERR)) throw new Error('graft: a WebAssembly kernel failed on a worker thread');
  }
}

export type { KernelExports };
