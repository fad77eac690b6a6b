/**
 * Compiled compute pipelines keyed by op and shape class (dtypes, ranks, which inputs are
 * contiguous), so a training step compiles each shader once and then only binds buffers.
 */
import { ShaderStage } from './constants';

export interface PipelineEntry {
  readonly key: string;
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
  /** The number of storage bindings (inputs, outputs, the meta buffer, the error flags). */
  readonly bindings: number;
}

/** How a shader's bindings are declared: all storage, read-only except the listed ones. */
export interface ShaderSpec {
  code: string;
  /** Total bindings, numbered 0..n-1 in group 0. */
  bindings: number;
  /** Bindings that the shader writes. */
  writable: readonly number[];
}

export class PipelineCache {
  readonly #entries = new Map<string, PipelineEntry>();
  readonly #layouts = new Map<string, GPUBindGroupLayout>();
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
    if (typeof process !== "undefined" && process.env?.GRAFT_WGSL_DUMP) console.error(`// ${key}\n${s.code}`);
    const layout = this.#layout(s.bindings, s.writable);
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ code: s.code, label: key });
    const pipeline = this.device.createComputePipeline({
      label: key,
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main' },
    });
    this.onError(op, key, this.device.popErrorScope());
    this.compiled++;
    const entry = { key, pipeline, layout, bindings: s.bindings };
    this.#entries.set(key, entry);
    return entry;
  }

  #layout(bindings: number, writable: readonly number[]): GPUBindGroupLayout {
    const key = `${bindings}:${writable.join(',')}`;
    let layout = this.#layouts.get(key);
    if (!layout) {
      const entries: GPUBindGroupLayoutEntry[] = [];
      for (let i = 0; i < bindings; i++) {
        entries.push({ binding: i, visibility: ShaderStage.COMPUTE, buffer: { type: writable.includes(i) ? 'storage' : 'read-only-storage' } });
      }
      layout = this.device.createBindGroupLayout({ entries });
      this.#layouts.set(key, layout);
    }
    return layout;
  }
}
