/**
 * The command stream: ops enqueue dispatches into one open command encoder, and the batch is
 * submitted only when someone reads (or the batch grows large). Per-dispatch parameters ("meta")
 * go into one arena buffer that is uploaded with a single writeBuffer per submit. Reads copy into
 * staging buffers and map them asynchronously, so `await t.data()` is the only synchronisation.
 */
import { BufferPool } from './buffer-pool';
import { BufferUsage, MapMode } from './constants';
import type { GpuContext } from './device';
import { WebGPUDeviceLostError, WebGPUIndexError, WebGPULimitError, WebGPUValidationError } from './errors';
import { PipelineCache, type PipelineEntry } from './pipeline-cache';

/** The backend's buffer handle: a pooled GPUBuffer and what the stream knows about it. */
export interface GpuTensorBuffer {
  readonly gpu: GPUBuffer;
  /** Bytes the tensor occupies (the GPUBuffer may be larger: its size class). */
  readonly bytes: number;
  /** Holds stale pool contents: cleared before first use unless a kernel or write fills it. */
  dirty: boolean;
  /** The batch that last referenced it (frees of buffers in the open batch wait for its submit). */
  batch: number;
}

/** Index kernels raise these codes in the flag buffer; `read` turns them into WebGPUIndexError. */
export const INDEX_FLAG_OPS = ['', 'gather', 'scatterAdd'] as const;

const ARENA_BYTES = 1 << 17;

export class CommandStream {
  readonly device: GPUDevice;
  readonly pool: BufferPool;
  readonly pipelines: PipelineCache;
  /** Two u32 words: the code of the op that saw a bad index, and the index. */
  readonly flags: GPUBuffer;
  #encoder: GPUCommandEncoder | null = null;
  #pass: GPUComputePassEncoder | null = null;
  #batch = 1;
  #ops: string[] = [];
  #retiring: GPUBuffer[] = [];
  #arena: GPUBuffer;
  #arenaHost = new Uint32Array(ARENA_BYTES / 4);
  #arenaUsed = 0;
  readonly #align: number;
  #errors: Promise<WebGPUValidationError | null>[] = [];
  #lost: string | null = null;
  #flagsUsed = false;
  /** Dispatches and submits so far (for the benchmarks and the leak test). */
  readonly counters = { dispatches: 0, submits: 0 };

  constructor(readonly ctx: GpuContext) {
    this.device = ctx.device;
    this.pool = new BufferPool(this.device);
    this.pipelines = new PipelineCache(this.device, (op, key, p) => this.#errors.push(p.then((e) => (e ? new WebGPUValidationError([op], `shader ${key}: ${e.message}`) : null))));
    this.#align = Math.max(16, ctx.limits.minStorageBufferOffsetAlignment);
    this.#arena = this.device.createBuffer({ size: ARENA_BYTES, usage: BufferUsage.STORAGE | BufferUsage.COPY_DST });
    this.flags = this.device.createBuffer({ size: 16, usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST });
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
    const { buffer, fresh } = this.pool.acquire(bytes, max);
    return { gpu: buffer, bytes, dirty: !fresh, batch: 0 };
  }

  free(b: GpuTensorBuffer): void {
    if (b.batch === this.#batch) this.#retiring.push(b.gpu);
    else this.pool.release(b.gpu);
  }

  /** Uploads host bytes into the start of `b`. */
  write(b: GpuTensorBuffer, data: ArrayBufferView): void {
    this.checkAlive('write');
    // writeBuffer runs before the open batch: flush so queued work sees the old contents first
    if (b.batch === this.#batch) this.flush();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const padded = bytes.byteLength % 4 === 0 ? bytes : copyPadded(bytes);
    this.device.queue.writeBuffer(b.gpu, 0, padded.buffer, padded.byteOffset, padded.byteLength);
    b.dirty = false;
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
    this.#encoderNow().clearBuffer(b.gpu);
    b.dirty = false;
  }

  /**
   * Enqueues one dispatch. `inputs` are read, `outputs` are written in full by the kernel (so
   * they need no clearing); `meta` becomes the last binding but one, or the last one without flags.
   */
  dispatch(op: string, entry: PipelineEntry, inputs: GpuTensorBuffer[], outputs: GpuTensorBuffer[], meta: Uint32Array, workgroups: readonly [number, number, number], opts: { flags?: boolean } = {}): void {
    this.checkAlive(op);
    const maxWg = this.ctx.limits.maxComputeWorkgroupsPerDimension;
    if (workgroups.some((w) => w > maxWg)) throw new WebGPULimitError(op, `needs ${workgroups.join('×')} workgroups; the device allows ${maxWg} per dimension`);
    const maxBinding = this.ctx.limits.maxStorageBufferBindingSize;
    for (const b of [...inputs, ...outputs]) {
      if (b.bytes > maxBinding) {
        throw new WebGPULimitError(op, `a tensor of ${b.bytes} bytes exceeds the device's maxStorageBufferBindingSize (${maxBinding} bytes); split the work into smaller tensors`);
      }
    }
    const metaBytes = Math.max(16, Math.ceil((meta.length * 4) / 16) * 16);
    if (metaBytes > ARENA_BYTES) throw new WebGPULimitError(op, 'too many kernel parameters');
    if (this.#arenaUsed + metaBytes > ARENA_BYTES) this.flush();
    const slot = this.#arenaUsed;
    this.#arenaHost.set(meta, slot / 4);
    this.#arenaUsed = Math.ceil((slot + metaBytes) / this.#align) * this.#align;
    for (const b of inputs) this.#clean(b);
    const entries: GPUBindGroupEntry[] = [];
    const bind = (b: GpuTensorBuffer) => {
      b.batch = this.#batch;
      entries.push({ binding: entries.length, resource: { buffer: b.gpu, offset: 0, size: Math.min(b.gpu.size, Math.max(4, Math.ceil(b.bytes / 4) * 4)) } });
    };
    inputs.forEach(bind);
    outputs.forEach(bind);
    entries.push({ binding: entries.length, resource: { buffer: this.#arena, offset: slot, size: metaBytes } });
    if (opts.flags) {
      entries.push({ binding: entries.length, resource: { buffer: this.flags } });
      this.#flagsUsed = true;
    }
    if (entries.length !== entry.bindings) throw new Error(`internal: op ${op} binds ${entries.length} buffers, its shader declares ${entry.bindings}`);
    const group = this.device.createBindGroup({ layout: entry.layout, entries });
    for (const b of outputs) b.dirty = false;
    if (!this.#pass) this.#pass = this.#encoderNow().beginComputePass();
    this.#pass.setPipeline(entry.pipeline);
    this.#pass.setBindGroup(0, group);
    this.#pass.dispatchWorkgroups(workgroups[0], workgroups[1], workgroups[2]);
    this.#ops.push(op);
    this.counters.dispatches++;
  }

  /** Copies `bytes` bytes between buffers (in stream order). */
  copy(op: string, src: GpuTensorBuffer, dst: GpuTensorBuffer, bytes: number): void {
    this.checkAlive(op);
    this.#clean(src);
    this.#endPass();
    src.batch = dst.batch = this.#batch;
    this.#encoderNow().copyBufferToBuffer(src.gpu, 0, dst.gpu, 0, Math.ceil(bytes / 4) * 4);
    dst.dirty = false;
    this.#ops.push(op);
  }

  /** Submits the open batch, with error scopes that name its ops. */
  flush(): void {
    if (!this.#encoder) return;
    this.#endPass();
    if (this.#arenaUsed > 0) this.device.queue.writeBuffer(this.#arena, 0, this.#arenaHost.buffer, 0, this.#arenaUsed);
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
    this.#arenaUsed = 0;
    this.#batch++;
    for (const b of this.#retiring) this.pool.release(b);
    this.#retiring = [];
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
    this.#clean(b);
    this.#endPass();
    const size = Math.max(4, Math.ceil(bytes / 4) * 4);
    const staging = this.device.createBuffer({ size, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
    const encoder = this.#encoderNow();
    encoder.copyBufferToBuffer(b.gpu, 0, staging, 0, size);
    b.batch = this.#batch;
    let flagStaging: GPUBuffer | null = null;
    if (this.#flagsUsed) {
      flagStaging = this.device.createBuffer({ size: 16, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
      encoder.copyBufferToBuffer(this.flags, 0, flagStaging, 0, 16);
    }
    this.flush();
    try {
      await Promise.all([staging.mapAsync(MapMode.READ), flagStaging?.mapAsync(MapMode.READ)]);
    } catch (cause) {
      this.checkAlive('read');
      throw cause;
    } finally {
      await this.checkErrors().catch((e) => {
        staging.destroy();
        flagStaging?.destroy();
        throw e;
      });
    }
    const out = new Uint8Array(staging.getMappedRange().slice(0, bytes));
    staging.unmap();
    staging.destroy();
    if (flagStaging) {
      const [code, index] = new Int32Array(flagStaging.getMappedRange().slice(0, 8));
      flagStaging.unmap();
      flagStaging.destroy();
      if (code !== 0) {
        this.device.queue.writeBuffer(this.flags, 0, new Uint32Array(4));
        this.#flagsUsed = false;
        throw new WebGPUIndexError(INDEX_FLAG_OPS[code] ?? `op #${code}`, index);
      }
    }
    return out;
  }

  /** Resolves when all submitted work is done; throws the errors it produced. */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.checkAlive('sync');
    await this.checkErrors();
  }

  destroy(): void {
    this.flush();
    this.pool.trim();
    this.#arena.destroy();
    this.flags.destroy();
    this.device.destroy();
  }
}

function isNode(): boolean {
  return typeof process !== 'undefined' && !!process.versions?.node;
}

function copyPadded(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(bytes.byteLength / 4) * 4);
  out.set(bytes);
  return out;
}

/** The distinct op names of a batch, in order, for error messages. */
function summarize(ops: readonly string[]): string[] {
  return ops.length ? [...new Set(ops)] : ['(submit)'];
}
