/**
 * The CPU backend. Kernels are the WebAssembly SIMD ones (wasm/) where they apply, falling back
 * to the TypeScript kernels, which stay the executable specification every other backend (and
 * the WASM path) is tested against. With a shared WebAssembly memory, tensor storage lives on
 * the WASM heap, so kernels use it in place; otherwise it is plain typed arrays.
 *
 * `cpuBackend(options)` is a plain function of its options. The WASM module and its heap are
 * shared by every CPU backend of the process and loaded when the first one that wants them is
 * created; each backend has its own thread pool, whose workers start with its first parallel task.
 */
import { allocArray, bytesPerElement, type DType, type TypedArray } from '../../dtype';
import { ArgumentError } from '../../errors';
import type { Backend, FullKernelTable, KernelTable } from '../backend';
import { binary, cast, contiguous, unary, where } from './elementwise';
import { gather, scatterAdd } from './indexing';
import { matmul } from './matmul';
import { concat, pad } from './movement';
import { argReduce, reduce } from './reduce';
import { adamwUpdate, attention, gelu, layerNorm, logSoftmax, softmax } from './fused';
import { attentionBackward, geluBackward, layerNormBackward } from './fused-backward';
import { wasmKernels } from './wasm/kernels';
import { hardwareThreads, ThreadPool } from './wasm/pool';
import { loadedWasmRuntime, wasmRuntime, type WasmRuntime } from './wasm/runtime';

/** The TypeScript reference kernel of every primitive: the executable specification other backends are tested against. */
export const cpuKernels: FullKernelTable = { unary, binary, where, cast, contiguous, reduce, argReduce, matmul, pad, concat, gather, scatterAdd };

/**
 * Fused kernels for hot composites, and backward kernels for three of them; the composites (and
 * their differentiation) stay the reference these are tested against.
 */
export const cpuFusedKernels: KernelTable = {
  softmax,
  logSoftmax,
  gelu,
  layerNorm,
  attention,
  adamwUpdate,
  geluBackward,
  layerNormBackward,
  attentionBackward,
};

/** `wasm`: WASM SIMD kernels where they apply (the default); `scalar`: the TypeScript reference only. */
export type CpuKernelMode = 'wasm' | 'scalar';

/** Options of `cpuBackend`. */
export interface CpuBackendOptions {
  /** Which kernels run (default `'wasm'`, which falls back to `'scalar'` where the engine has no WASM SIMD). */
  kernels?: CpuKernelMode;
  /**
   * Threads the WASM kernels use, the caller's included (default: the hardware's, from
   * `os.availableParallelism()` or `navigator.hardwareConcurrency`). One where memory cannot be
   * shared (a page that is not cross-origin isolated).
   */
  threads?: number;
  /** The device name tensors report (default `'cpu'`). */
  name?: string;
}

/** What a CPU backend runs on. */
export interface CpuInfo {
  /** Whether the backend exists yet (the process-wide one starts on first use or `initCpu()`). */
  started: boolean;
  /** The kernels that run (`'scalar'` where WASM SIMD is unavailable, whatever was asked). */
  kernels: CpuKernelMode;
  /** Whether the WASM SIMD kernels are loaded and in use. */
  simd: boolean;
  /** Threads a parallel kernel uses. */
  threads: number;
  /** Worker threads started and waiting for tasks (they start with the first parallel task). */
  workersReady: number;
  /** Whether tensor storage lives on a shared WASM heap. */
  sharedMemory: boolean;
  /** Bytes of the WASM heap, and of them the bytes in use (0 before the module is loaded). */
  heapBytes: number;
  heapLiveBytes: number;
}

/** A CPU backend: a Backend whose kernels and threads can change while it runs. */
export interface CpuBackend extends Backend {
  /** Switches between the WASM and TypeScript kernels (kernels a plugin registered are kept). */
  setKernels(mode: CpuKernelMode): void;
  /** Changes the thread count of the WASM kernels. */
  setThreads(threads: number): void;
  /** What this backend runs on. */
  info(): CpuInfo;
}

const ARRAYS = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array, float16: Uint16Array } as const;

/** A host copy of the first `size` elements (`slice` of a shared-memory array is very slow in V8; `set` is not). */
function copyOut(a: TypedArray, size: number): TypedArray {
  const out = new (a.constructor as new (n: number) => TypedArray)(size);
  out.set(a.subarray(0, size));
  return out;
}

/** Heap arrays go back to the heap, whichever CPU backend allocated them. */
function free(buffer: unknown): void {
  const a = buffer as TypedArray;
  const rt = loadedWasmRuntime();
  if (rt?.heap.owns(a)) rt.heap.free(a.byteOffset, a.byteLength);
}

/** Checks a thread count given by a user. */
export function checkThreads(threads: number, what = 'threads'): number {
  if (!Number.isFinite(threads) || threads < 1) throw new ArgumentError(`${what}: expected a positive thread count, got ${threads}`);
  return Math.floor(threads);
}

let noticedUnshared = false;

/** Creates a CPU backend. Nothing is shared with other CPU backends but the WASM module and heap. */
export function cpuBackend(opts: CpuBackendOptions = {}): CpuBackend {
  let mode: CpuKernelMode = opts.kernels ?? 'wasm';
  if (mode !== 'wasm' && mode !== 'scalar') throw new ArgumentError(`cpuBackend: kernels must be 'wasm' or 'scalar', got '${String(mode)}'`);
  let threads = checkThreads(opts.threads ?? hardwareThreads(), 'cpuBackend');
  // the runtime whose heap holds this backend's storage: set once WASM mode has been on, and
  // kept when the mode later switches to scalar (the TypeScript kernels read heap arrays just
  // as well, and buffers allocated there must go back there)
  let rt: WasmRuntime | null = null;
  let pool: ThreadPool | null = null;

  /** The WASM runtime and this backend's pool when WASM mode is on and the engine supports it. */
  const wasm = (): { rt: WasmRuntime; pool: ThreadPool } | null => {
    if (mode !== 'wasm') return null;
    const loaded = wasmRuntime();
    if (!loaded) return null;
    rt = loaded;
    if (!pool) {
      pool = new ThreadPool(loaded, threads);
      if (!loaded.shared && threads > 1 && !noticedUnshared) {
        noticedUnshared = true;
        console.info('graft: SharedArrayBuffer is unavailable (page not cross-origin isolated), so the CPU backend runs on one thread');
      }
    }
    return { rt: loaded, pool };
  };
  const currentKernels = (): KernelTable => {
    const ctx = wasm();
    return ctx ? wasmKernels(ctx.rt, ctx.pool, cpuKernels, cpuFusedKernels) : { ...cpuKernels, ...cpuFusedKernels };
  };

  const kernels: Record<string, unknown> = { ...currentKernels() };
  let installed: Record<string, unknown> = { ...kernels };
  /** Swaps the kernels this backend installed, not ones a plugin registered since. */
  const reinstall = () => {
    const next: Record<string, unknown> = { ...currentKernels() };
    for (const op of new Set([...Object.keys(installed), ...Object.keys(next)])) {
      if (kernels[op] === installed[op]) {
        if (next[op] === undefined) delete kernels[op];
        else kernels[op] = next[op];
      }
    }
    installed = next;
  };

  return {
    name: opts.name ?? 'cpu',
    dtypes: ['float32', 'float64', 'int32', 'bool'],
    kernels: kernels as KernelTable,
    alloc(dtype: DType, size: number): TypedArray {
      // a zero-filled array on the WASM heap when there is a shared one with room, else an ordinary one
      if (rt?.shared && size > 0) {
        const ptr = rt.heap.alloc(size * bytesPerElement(dtype));
        if (ptr !== null) return new ARRAYS[dtype](rt.heap.buffer as ArrayBuffer, ptr, size);
      }
      return allocArray(dtype, size);
    },
    free,
    write: (buffer, _dtype, src: TypedArray) => (buffer as TypedArray).set(src),
    read: async (buffer, _dtype, size) => copyOut(buffer as TypedArray, size),
    readSync: (buffer, _dtype, size) => copyOut(buffer as TypedArray, size),
    sync: async () => {},
    // stops the workers; the pool's small heap workspace stays reserved, so that a tensor still
    // on this backend can never run a kernel on freed memory
    dispose: () => pool?.shutdown(),
    setKernels(next: CpuKernelMode) {
      if (next !== 'wasm' && next !== 'scalar') throw new ArgumentError(`setKernels: expected 'wasm' or 'scalar', got '${String(next)}'`);
      if (next === mode) return;
      mode = next;
      reinstall();
    },
    setThreads(n: number) {
      threads = checkThreads(n, 'setThreads');
      pool?.resize(threads);
    },
    info(): CpuInfo {
      const ctx = mode === 'wasm' && rt ? { rt, pool } : null;
      return {
        started: true,
        kernels: ctx ? 'wasm' : 'scalar',
        simd: ctx !== null,
        threads: ctx?.rt.shared ? threads : 1,
        workersReady: ctx?.pool?.readyWorkers ?? 0,
        sharedMemory: ctx?.rt.shared ?? false,
        heapBytes: rt?.heap.capacity ?? 0,
        heapLiveBytes: rt?.heap.liveBytes ?? 0,
      };
    },
  };
}
