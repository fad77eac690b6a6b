/**
 * The command stream: ops enqueue dispatches into one open command encoder, and the batch is
 * submitted only when someone reads (or the meta arena fills up). Per-dispatch parameters
 * ("meta") live in a content-addressed arena uploaded with one writeBuffer per submit, and bind
 * groups come from a cache, so a dispatch that repeats an earlier one costs a few encoder calls.
 * Reads copy into pooled staging buffers and map them asynchronously, so `await t.data()` is the
 * only synchronisation.
 */
import { BindGroupCache, type BindingSpec } from './bind-groups';
import { BufferPool } from './buffer-pool';
import { ConstantCache, type ConstantEntry, MAX_CONSTANT_BYTES } from './constant-cache';
import { MetaArena } from './meta-arena';
import { BufferUsage, MapMode } from './constants';
import type { GpuContext } from './device';
import { WebGPUDeviceLostError, WebGPUIndexError, WebGPULimitError, WebGPUValidationError } from './errors';
import { PipelineCache, type PipelineEntry } from './pipeline-cache';
import { StagingPool } from './staging';

/**
 * The backend's buffer handle: a pooled GPUBuffer and what the stream knows about it. Tiny
 * tensors (at most MAX_CONSTANT_BYTES) start without a buffer; the write that defines them, or
 * their first use as an input, points them at a shared constant, and their first use as an
 * output gives them a buffer of their own.
 */
export interface GpuTensorBuffer {
  /** The device buffer; null while a tiny tensor is undefined. */
  gpu: GPUBuffer | null;
  /** The pool id of `gpu` (bind-group keys). */
  id: number;
  /** Bytes bound when `gpu` is bound. */
  bindSize: number;
  /** The shared constant `gpu` belongs to, or null when `gpu` is this tensor's own. */
  constant: ConstantEntry | null;
  /** Bytes the tensor occupies (the GPUBuffer may be larger: its size class). */
  readonly bytes: number;
  /** Holds stale pool contents: cleared before first use unless a kernel or write fills it. */
  dirty: boolean;
  /** The batch that last referenced it (frees of buffers in the open batch wait for its submit). */
  batch: number;
  /**
   * A recorded elementwise expression that will write this buffer (lazy fusion, kernels/lazy-map.ts):
   * set while no dispatch has written it yet; anything that reads the buffer materializes it first.
   */
  pending?: PendingWrite | null;
  /** Pending expressions that read this buffer: while any do, freeing it is deferred. */
  pins?: number;
  /** Freed while pinned: released when the last pending reader materializes or is dropped. */
  freeDeferred?: boolean;
}

/** What the stream knows of a pending expression: how to run it, and how to drop it unread. */
export interface PendingWrite {
  /** Dispatches the expression (once), writing the buffer. */
  materialize(): void;
  /** Forgets the expression without running it (its buffer is being freed). */
  drop(): void;
}

/** Index kernels raise these codes in the flag buffer; `read` turns them into WebGPUIndexError. */
export const INDEX_FLAG_OPS = ['', 'gather', 'scatterAdd'] as const;

/**
 * Dispatches per submit unless told otherwise: enough to make a submit's fixed cost (~0.1 ms in
 * Dawn) small, few enough that the device starts on a long batch while the host still encodes.
 * Measured on lavapipe, interleaved in one process: 200 chained small adds took a median 11.8
 * and 13.5 ms with 32 against 19.7 and 16.4 ms with one submit per read; a bert-tiny step 489 and
 * 594 ms against 615 and 664 ms (8, 16 and 32 were indistinguishable).
 */
export const DEFAULT_SUBMIT_EVERY = 32;

/** Meta arena size: 4096 distinct parameter blocks at 256-byte slots. */
const ARENA_BYTES = 1 << 20;

export class CommandStream {
  readonly device: GPUDevice;
  readonly pool: BufferPool;
  readonly pipelines: PipelineCache;
  readonly bindGroups: BindGroupCache;
  readonly staging: StagingPool;
  readonly constants: ConstantCache;
  /** Two u32 words: the code of the op that saw a bad index, and the index. */
  readonly flags: GPUBuffer;
  readonly #flagsBinding: BindingSpec;
  #encoder: GPUCommandEncoder | null = null;
  #pass: GPUComputePassEncoder | null = null;
  #batch = 1;
  #ops: string[] = [];
  #retiring: GPUBuffer[] = [];
  readonly #meta: MetaArena;
  /** Scratch for dispatch (reused, so a dispatch allocates little). */
  readonly #bindings: BindingSpec[] = [];
  #errors: Promise<WebGPUValidationError | null>[] = [];
  #lost: string | null = null;
  #flagsUsed = false;
  #dispatchesInBatch = 0;
  /** Dispatches and submits so far (for the benchmarks and the leak test). */
  readonly counters = { dispatches: 0, submits: 0 };

  constructor(
    readonly ctx: GpuContext,
    /**
     * Dispatches per submit at most. Submitting part of a long batch early lets the device start
     * on it while the host encodes the rest (reads submit whatever is left).
     */
    readonly submitEvery = DEFAULT_SUBMIT_EVERY,
  ) {
    this.device = ctx.device;
    this.bindGroups = new BindGroupCache(this.device);
    this.pool = new BufferPool(this.device, undefined, () => this.bindGroups.clear());
    this.staging = new StagingPool(this.device);
    this.constants = new ConstantCache(this.pool, this.device.queue);
    this.pipelines = new PipelineCache(this.device, (op, key, p) =>
      this.#errors.push(p.then((e) => (e ? new WebGPUValidationError([op], `shader ${key}: ${e.message}`) : null))),
    );
    this.#meta = new MetaArena(this.device, (b) => this.pool.register(b), ARENA_BYTES, Math.max(16, ctx.limits.minStorageBufferOffsetAlignment));
    this.flags = this.device.createBuffer({ size: 16, usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST });
    this.#flagsBinding = { gpu: this.flags, id: this.pool.register(this.flags), bindSize: 16 };
    void this.device.lost.then((info) => {
      this.#lost = `${info.reason ?? 'unknown'}: ${info.message || 'no message'}`;
    });
    // errors outside any scope (a bad bind group also invalidates the batch, which the submit's
    // scope reports). Dawn's Node binding aborts the process when an uncapturederror listener is
    // attached, so this listens only in browsers.
    const onError = (e: Event) => {
      const message = (e as GPUUncapturedErrorEvent).error?.message ?? 'uncaptured error';
      this.#errors.push(Promise.resolve(new WebGPUValidationError(this.#ops.length ? [...this.#ops] : ['(unknown)'], message)));
    };
    if (!isNode() && typeof this.device.addEventListener === 'function') this.device.addEventListener('uncapturederror', onError);
  }

  /** Throws the typed device-lost error when the device is gone. */
  checkAlive(op: string): void {
    if (this.#lost !== null) throw new WebGPUDeviceLostError(op, this.#lost);
  }

  /** A buffer for `bytes` bytes; zero-filled (lazily, when nothing overwrites it first). */
  alloc(bytes: number): GpuTensorBuffer {
    // no liveness check: on a lost device createBuffer is a harmless no-op, and the dispatch
    // that follows reports the loss under the op's name
    const max = this.ctx.limits.maxBufferSize;
    if (bytes > max) throw new WebGPULimitError('alloc', `a tensor of ${bytes} bytes exceeds the device's maxBufferSize (${max} bytes)`);
    const b: GpuTensorBuffer = { gpu: null, id: 0, bindSize: 0, constant: null, bytes, dirty: false, batch: 0 };
    if (bytes > MAX_CONSTANT_BYTES) this.#own(b);
    return b;
  }

  free(b: GpuTensorBuffer): void {
    // a freed pending result was never read: its expression need not run at all
    b.pending?.drop();
    if (b.pins) {
      b.freeDeferred = true;
      return;
    }
    b.freeDeferred = false;
    if (b.constant) this.constants.release(b.constant);
    else if (b.gpu && b.batch === this.#batch) this.#retiring.push(b.gpu);
    else if (b.gpu) this.pool.release(b.gpu);
    b.gpu = null;
    b.constant = null;
  }

  /** Pins `b` for a pending expression that reads it. */
  pin(b: GpuTensorBuffer): void {
    b.pins = (b.pins ?? 0) + 1;
  }

  /** Unpins `b`; frees it if it was freed while pinned. */
  unpin(b: GpuTensorBuffer): void {
    b.pins = (b.pins ?? 1) - 1;
    if (b.pins === 0 && b.freeDeferred) this.free(b);
  }

  /** Pending expressions not yet run or dropped (sync materializes them). */
  readonly pending = new Set<PendingWrite>();

  /** Uploads host bytes into the start of `b`. */
  write(b: GpuTensorBuffer, data: ArrayBufferView): void {
    this.checkAlive('write');
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (bytes.byteLength <= MAX_CONSTANT_BYTES && (b.gpu === null || b.constant)) {
      this.#setConstant(b, bytes);
      return;
    }
    if (b.constant || !b.gpu) this.#own(b);
    // writeBuffer runs before the open batch: flush so queued work sees the old contents first
    else if (b.batch === this.#batch) this.flush();
    const padded = bytes.byteLength % 4 === 0 ? bytes : copyPadded(bytes);
    this.device.queue.writeBuffer(b.gpu!, 0, padded.buffer, padded.byteOffset, padded.byteLength);
    b.dirty = false;
  }

  /** Gives `b` a pooled buffer of its own (dropping a constant it pointed at). */
  #own(b: GpuTensorBuffer): void {
    if (b.gpu && !b.constant) return;
    if (b.constant) this.constants.release(b.constant);
    const { buffer, fresh } = this.pool.acquire(b.bytes, this.ctx.limits.maxBufferSize);
    b.gpu = buffer;
    b.id = this.pool.idOf(buffer);
    // bind the whole buffer when the device allows it: then every tensor that gets this pooled
    // buffer binds it alike, and cached bind groups keep matching
    b.bindSize = buffer.size <= this.ctx.limits.maxStorageBufferBindingSize ? buffer.size : Math.max(4, Math.ceil(b.bytes / 4) * 4);
    b.constant = null;
    b.dirty = !fresh;
    b.batch = 0;
  }

  /** Points `b` at the shared constant holding `bytes`. */
  #setConstant(b: GpuTensorBuffer, bytes: Uint8Array): void {
    const entry = this.constants.acquire(bytes);
    if (b.constant) this.constants.release(b.constant);
    b.constant = entry;
    b.gpu = entry.gpu;
    b.id = entry.id;
    b.bindSize = entry.gpu.size;
    b.dirty = false;
  }

  /** Makes `b` readable: an undefined tiny tensor becomes the zero constant; stale pool contents are cleared. */
  #readable(b: GpuTensorBuffer): GPUBuffer {
    if (!b.gpu) this.#setConstant(b, ZEROS.subarray(0, b.bytes));
    this.#clean(b);
    return b.gpu!;
  }

  #encoderNow(): GPUCommandEncoder {
    this.#encoder ??= this.device.createCommandEncoder();
    return this.#encoder;
  }

  #endPass(): void {
    this.#pass?.end();
    this.#pass = null;
  }

  #clean(b: GpuTensorBuffer): void {
    if (!b.dirty) return;
    this.#endPass();
    this.#encoderNow().clearBuffer(b.gpu!);
    b.dirty = false;
  }

  /**
   * Enqueues one dispatch. `inputs` are read, `outputs` are written in full by the kernel (so
   * they need no clearing); `meta` (u32 words; negative numbers are stored as their two's
   * complement) becomes the last binding but one, or the last one without flags.
   */
  dispatch(
    op: string,
    entry: PipelineEntry,
    inputs: readonly GpuTensorBuffer[],
    outputs: readonly GpuTensorBuffer[],
    meta: ArrayLike<number>,
    workgroups: readonly [number, number, number],
    opts: { flags?: boolean } = {},
  ): void {
    this.checkAlive(op);
    // pending inputs run first, before this dispatch takes a meta slot (theirs may reset the arena)
    for (const b of inputs) b.pending?.materialize();
    const maxWg = this.ctx.limits.maxComputeWorkgroupsPerDimension;
    if (workgroups[0] > maxWg || workgroups[1] > maxWg || workgroups[2] > maxWg) {
      throw new WebGPULimitError(op, `needs ${workgroups.join('×')} workgroups; the device allows ${maxWg} per dimension`);
    }
    for (const b of inputs) this.checkBinding(op, b);
    for (const b of outputs) this.checkBinding(op, b);
    if (this.#meta.slotBytes(meta.length) > ARENA_BYTES) throw new WebGPULimitError(op, 'too many kernel parameters');
    let metaSlot = this.#meta.slot(meta);
    if (!metaSlot) {
      // full: submit what reads the current slots, then start over
      this.flush();
      this.#meta.reset();
      metaSlot = this.#meta.slot(meta)!;
    }
    for (const b of inputs) this.#readable(b);
    for (const b of outputs) this.#own(b);
    const bindings = this.#bindings;
    bindings.length = 0;
    // every handle now has a buffer, so it is a complete binding
    for (const b of inputs) {
      b.batch = this.#batch;
      bindings.push(b as BindingSpec);
    }
    for (const b of outputs) {
      b.batch = this.#batch;
      bindings.push(b as BindingSpec);
    }
    if (bindings.length !== entry.meta) throw new Error(`internal: op ${op} binds meta at ${bindings.length}, its shader declares it at ${entry.meta}`);
    bindings.push(metaSlot);
    if (opts.flags) {
      bindings.push(this.#flagsBinding);
      this.#flagsUsed = true;
    }
    if (bindings.length !== entry.bindings) throw new Error(`internal: op ${op} binds ${bindings.length} buffers, its shader declares ${entry.bindings}`);
    const group = this.bindGroups.get(entry.layout, entry.layoutId, bindings);
    bindings.length = 0;
    for (const b of outputs) b.dirty = false;
    if (!this.#pass) this.#pass = this.#encoderNow().beginComputePass();
    this.#pass.setPipeline(entry.pipeline);
    this.#pass.setBindGroup(0, group);
    this.#pass.dispatchWorkgroups(workgroups[0], workgroups[1], workgroups[2]);
    this.#ops.push(op);
    this.counters.dispatches++;
    if (++this.#dispatchesInBatch >= this.submitEvery) this.flush();
  }

  /** Throws the typed limit error when `b` is too large to bind. */
  checkBinding(op: string, b: GpuTensorBuffer): void {
    const maxBinding = this.ctx.limits.maxStorageBufferBindingSize;
    if (b.bytes > maxBinding) {
      throw new WebGPULimitError(
        op,
        `a tensor of ${b.bytes} bytes exceeds the device's maxStorageBufferBindingSize (${maxBinding} bytes); split the work into smaller tensors`,
      );
    }
  }

  /**
   * Copies `bytes` bytes from byte `srcOffset` of `src` to byte `dstOffset` of `dst` (in stream
   * order; offsets and, past the tensors' ends, sizes are multiples of 4). Like a dispatch's
   * output, `dst` counts as defined afterwards: the caller fills the rest of it.
   */
  copy(op: string, src: GpuTensorBuffer, dst: GpuTensorBuffer, bytes: number, srcOffset = 0, dstOffset = 0): void {
    this.checkAlive(op);
    src.pending?.materialize();
    const from = this.#readable(src);
    this.#own(dst);
    this.#endPass();
    src.batch = dst.batch = this.#batch;
    this.#encoderNow().copyBufferToBuffer(from, srcOffset, dst.gpu!, dstOffset, Math.ceil(bytes / 4) * 4);
    dst.dirty = false;
    this.#ops.push(op);
  }

  /** Submits the open batch, with error scopes that name its ops. */
  flush(): void {
    if (!this.#encoder) return;
    this.#endPass();
    this.#meta.upload(this.device.queue);
    const ops = this.#ops;
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    this.device.queue.submit([this.#encoder.finish()]);
    const validation = this.device.popErrorScope();
    const oom = this.device.popErrorScope();
    this.#errors.push(
      Promise.all([validation, oom]).then(([v, o]) => {
        const e = v ?? o;
        return e ? new WebGPUValidationError(summarize(ops), e.message) : null;
      }),
    );
    this.counters.submits++;
    this.#encoder = null;
    this.#ops = [];
    this.#dispatchesInBatch = 0;
    this.#batch++;
    for (const b of this.#retiring) this.pool.release(b);
    this.#retiring = [];
    this.constants.trim();
  }

  /** Throws the first error the device reported for work submitted so far. */
  async checkErrors(): Promise<void> {
    if (this.#errors.length === 0) return;
    const pending = this.#errors;
    this.#errors = [];
    for (const e of await Promise.all(pending)) if (e) throw e;
  }

  /** Reads `bytes` bytes of `b` back to the host. */
  async read(b: GpuTensorBuffer, bytes: number): Promise<Uint8Array> {
    this.checkAlive('read');
    b.pending?.materialize();
    const from = this.#readable(b);
    this.#endPass();
    const size = Math.max(4, Math.ceil(bytes / 4) * 4);
    const staging = this.staging.acquire(size);
    const encoder = this.#encoderNow();
    encoder.copyBufferToBuffer(from, 0, staging, 0, size);
    b.batch = this.#batch;
    let flagStaging: GPUBuffer | null = null;
    if (this.#flagsUsed) {
      flagStaging = this.staging.acquire(16);
      encoder.copyBufferToBuffer(this.flags, 0, flagStaging, 0, 16);
    }
    this.flush();
    let mapped = false;
    try {
      try {
        await Promise.all([staging.mapAsync(MapMode.READ, 0, size), flagStaging?.mapAsync(MapMode.READ, 0, 16)]);
        mapped = true;
      } catch (cause) {
        this.checkAlive('read');
        await this.checkErrors();
        throw cause;
      }
      await this.checkErrors();
      const out = new Uint8Array(staging.getMappedRange(0, size).slice(0, bytes));
      if (flagStaging) {
        const [code, index] = new Int32Array(flagStaging.getMappedRange(0, 16).slice(0, 8));
        if (code !== 0) {
          this.device.queue.writeBuffer(this.flags, 0, new Uint32Array(4));
          this.#flagsUsed = false;
          throw new WebGPUIndexError(INDEX_FLAG_OPS[code] ?? `op #${code}`, index);
        }
      }
      return out;
    } finally {
      for (const s of [staging, flagStaging]) {
        if (!s) continue;
        // a buffer whose mapping failed is in an unknown state: destroy it rather than reuse it
        if (mapped) {
          s.unmap();
          this.staging.release(s);
        } else {
          s.destroy();
        }
      }
    }
  }

  /** Resolves when all work so far (pending expressions included) is done; throws the errors it produced. */
  async sync(): Promise<void> {
    for (const p of [...this.pending]) p.materialize();
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.checkAlive('sync');
    await this.checkErrors();
  }

  destroy(): void {
    this.flush();
    this.pool.trim();
    this.staging.trim();
    this.#meta.destroy();
    this.flags.destroy();
    this.device.destroy();
  }
}

function isNode(): boolean {
  return typeof process !== 'undefined' && !!process.versions?.node;
}

const ZEROS = new Uint8Array(MAX_CONSTANT_BYTES);

function copyPadded(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(bytes.byteLength / 4) * 4);
  out.set(bytes);
  return out;
}

/** The distinct op names of a batch, in order, for error messages. */
function summarize(ops: readonly string[]): string[] {
  return ops.length ? [...new Set(ops)] : ['(submit)'];
}
