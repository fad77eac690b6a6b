/**
 * Compiled compute pipelines keyed by op and shape class (dtypes, ranks, which inputs are
 * contiguous), so a training step compiles each shader once and then only binds buffers.
 */
import { ShaderStage } from './constants';

export interface PipelineEntry {
  readonly key: string;
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
  /** Identifies `layout` in bind-group cache keys (pipelines with equal layouts share bind groups). */
  readonly layoutId: number;
  /** The number of storage bindings (inputs, outputs, the meta buffer, the error flags). */
  readonly bindings: number;
  /** The meta binding (a slot of the stream's meta arena), or -1 when there is none. */
  readonly meta: number;
}

/**
 * How a shader's bindings are declared: all storage, read-only except the listed ones. The meta
 * binding is the last read-only one at the end: the last binding, or the one before the error
 * flags (which are writable).
 */
export interface ShaderSpec {
  code: string;
  /** Total bindings, numbered 0..n-1 in group 0. */
  bindings: number;
  /** Bindings that the shader writes. */
  writable: readonly number[];
}

export class PipelineCache {
  readonly #entries = new Map<string, PipelineEntry>();
  readonly #layouts = new Map<string, { layout: GPUBindGroupLayout; id: number }>();
  /** Shader compilations so far (a cache miss each). */
  compiled = 0;

  constructor(
    private readonly device: GPUDevice,
    /** Reports a compilation error of `op` asynchronously (the backend turns it into a typed error). */
    private readonly onError: (op: string, key: string, error: Promise<GPUError | null>) => void,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  /** The pipeline for `key`, built from `spec()` on first use. */
  get(op: string, key: string, spec: () => ShaderSpec): PipelineEntry {
    const hit = this.#entries.get(key);
    if (hit) return hit;
    const s = spec();
    if (typeof process !== 'undefined' && process.env?.GRAFT_WGSL_DUMP) console.error(`// ${key}\n${s.code}`);
    const meta = metaBinding(s.bindings, s.writable);
    const { layout, id: layoutId } = this.#layout(s.bindings, s.writable);
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ code: s.code, label: key });
    const pipeline = this.device.createComputePipeline({
      label: key,
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main' },
    });
    this.onError(op, key, this.device.popErrorScope());
    this.compiled++;
    const entry = { key, pipeline, layout, layoutId, bindings: s.bindings, meta };
    this.#entries.set(key, entry);
    return entry;
  }

  #layout(bindings: number, writable: readonly number[]): { layout: GPUBindGroupLayout; id: number } {
    const key = `${bindings}:${writable.join(',')}`;
    let hit = this.#layouts.get(key);
    if (!hit) {
      const entries: GPUBindGroupLayoutEntry[] = [];
      for (let i = 0; i < bindings; i++) {
        // no dynamic offsets: lavapipe pays about 75 µs of device time per dispatch that has one,
        // four times the cost of the dispatch itself (the meta arena is content-addressed instead)
        entries.push({ binding: i, visibility: ShaderStage.COMPUTE, buffer: { type: writable.includes(i) ? 'storage' : 'read-only-storage' } });
      }
      hit = { layout: this.device.createBindGroupLayout({ entries }), id: this.#layouts.size + 1 };
      this.#layouts.set(key, hit);
    }
    return hit;
  }
}

/** The meta binding of a layout: the last binding, or the one before it when the last is writable (the flags). */
function metaBinding(bindings: number, writable: readonly number[]): number {
  for (let i = bindings - 1; i >= Math.max(0, bindings - 2); i--) if (!writable.includes(i)) return i;
  return -1;
}
