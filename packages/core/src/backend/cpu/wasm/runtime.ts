/**
 * Loads the WebAssembly kernels: decodes the embedded module, checks that this engine has WASM
 * SIMD, compiles it (synchronously on first use, since ops are synchronous, or asynchronously
 * through `initCpu()`) and instantiates it on a memory that is
 * shared when SharedArrayBuffer is available (Node; cross-origin isolated pages) and plain
 * otherwise. Returns null where WebAssembly or SIMD is missing: the TypeScript kernels then run.
 */
import { WASM_PLAIN, WASM_SHARED } from './binary';
import { Heap } from './heap';

/** The C entry points (see packages/core/wasm/*.c); pointers are byte addresses. */
export interface KernelExports {
  graft_gemm_pack_b(K: number, N: number, b: number, bs0: number, bs1: number, out: number): void;
  graft_gemm_task(task: number, desc: number, work: number): void;
  graft_gemm_work_floats(): number;
  graft_gemm_task_b_floats(): number;
  graft_gemm_panel_width(): number;
  graft_binary(
    op: number,
    outer: number,
    rows: number,
    cols: number,
    a: number,
    ao: number,
    ar: number,
    ac: number,
    b: number,
    bo: number,
    br: number,
    bc: number,
    out: number,
  ): void;
  graft_unary(op: number, rows: number, cols: number, x: number, xr: number, out: number): void;
  graft_copy_rows(rows: number, len: number, starts: number, src: number, out: number): void;
  graft_reduce_rows(op: number, rows: number, n: number, x: number, xr: number, out: number): void;
  graft_reduce_cols(op: number, outer: number, rows: number, n: number, x: number, xo: number, xr: number, out: number): void;
  graft_softmax_rows(rows: number, n: number, x: number, xr: number, out: number, log: number): void;
  graft_layernorm_rows(rows: number, n: number, x: number, xr: number, w: number, b: number, eps: number, out: number): void;
  graft_softmax_backward_rows(rows: number, n: number, p: number, d: number, scale: number): void;
  graft_zero(ptr: number, bytes: number): void;
  graft_gelu_backward(n: number, x: number, g: number, out: number, tanhForm: number): void;
  graft_layernorm_backward_rows(rows: number, n: number, x: number, xr: number, w: number, g: number, eps: number, dx: number, stats: number): void;
  graft_layernorm_backward_params(rows: number, n: number, x: number, xr: number, g: number, stats: number, dw: number, db: number): void;
  graft_adamw(
    n: number,
    p: number,
    g: number,
    m: number,
    v: number,
    op: number,
    om: number,
    ov: number,
    beta1: number,
    beta2: number,
    eps: number,
    decay: number,
    stepSize: number,
    sqrtBc2: number,
  ): void;
}

export interface WasmRuntime {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  /** Whether the memory is shared: tensors then live on the heap and worker threads can help. */
  readonly shared: boolean;
  readonly x: KernelExports;
  readonly heap: Heap;
}

function decode(parts: string): Uint8Array<ArrayBuffer> {
  const bin = atob(parts);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** A shared memory, where the engine allows one, else null. */
function sharedMemory(): WebAssembly.Memory | null {
  if (typeof SharedArrayBuffer === 'undefined') return null;
  // a 4 GiB maximum is only address space, but 32-bit engines may refuse it: try 1 GiB next
  for (const maximum of [65536, 16384]) {
    try {
      return new WebAssembly.Memory({ initial: 256, maximum, shared: true });
    } catch {
      /* not isolated, or too large a reservation */
    }
  }
  return null;
}

/** The bytes to compile and the memory to instantiate on, or null where the engine lacks WASM SIMD. */
function prepare(opts: { shared?: boolean }): { bytes: Uint8Array<ArrayBuffer>; memory: WebAssembly.Memory | null } | null {
  if (typeof WebAssembly === 'undefined') return null;
  const memory = opts.shared === false ? null : sharedMemory();
  const bytes = decode(memory ? WASM_SHARED : WASM_PLAIN);
  // validation fails exactly where the engine lacks an instruction set we use (SIMD)
  return WebAssembly.validate(bytes) ? { bytes, memory } : null;
}

/** The runtime over an instance of the kernels on `mem`. */
function runtimeOf(module: WebAssembly.Module, instance: WebAssembly.Instance, mem: WebAssembly.Memory, shared: boolean): WasmRuntime {
  const x = instance.exports as unknown as KernelExports & { __heap_base?: WebAssembly.Global };
  const base = Number(x.__heap_base?.value ?? 65536);
  return { module, memory: mem, shared, x, heap: new Heap(mem, base, (p, n) => x.graft_zero(p, n)) };
}

/**
 * Loads the kernels, compiling synchronously; `shared: false` forces the plain-memory variant
 * (what pages without SharedArrayBuffer get; tests use it to exercise the copy-in/copy-out path).
 */
export function loadWasmRuntime(opts: { shared?: boolean } = {}): WasmRuntime | null {
  const prepared = prepare(opts);
  if (!prepared) return null;
  try {
    const module = new WebAssembly.Module(prepared.bytes);
    const mem = prepared.memory ?? new WebAssembly.Memory({ initial: 256 });
    return runtimeOf(module, new WebAssembly.Instance(module, { env: { memory: mem } }), mem, prepared.memory !== null);
  } catch {
    // e.g. a browser main thread that refuses synchronous compilation
    return null;
  }
}

/** `loadWasmRuntime`, compiling asynchronously (allowed on a browser's main thread, and off it). */
export async function loadWasmRuntimeAsync(opts: { shared?: boolean } = {}): Promise<WasmRuntime | null> {
  const prepared = prepare(opts);
  if (!prepared) return null;
  try {
    const module = await WebAssembly.compile(prepared.bytes);
    const mem = prepared.memory ?? new WebAssembly.Memory({ initial: 256 });
    return runtimeOf(module, await WebAssembly.instantiate(module, { env: { memory: mem } }), mem, prepared.memory !== null);
  } catch {
    return null;
  }
}

let runtime: WasmRuntime | null | undefined;

/**
 * The process's WASM kernels, loaded (compiled synchronously) on first use; null where they
 * cannot run. Every CPU backend shares them: one module, one memory, one heap.
 */
export function wasmRuntime(): WasmRuntime | null {
  if (runtime === undefined) runtime = loadWasmRuntime();
  return runtime;
}

/** `wasmRuntime()`, compiling asynchronously when it has not been loaded yet. */
export async function wasmRuntimeAsync(): Promise<WasmRuntime | null> {
  if (runtime !== undefined) return runtime;
  const loaded = await loadWasmRuntimeAsync();
  // a synchronous load may have won the race while this one compiled: keep the first
  if (runtime === undefined) runtime = loaded;
  return runtime;
}

/** The process's WASM kernels if something has loaded them already, without loading them. */
export function loadedWasmRuntime(): WasmRuntime | null {
  return runtime ?? null;
}
