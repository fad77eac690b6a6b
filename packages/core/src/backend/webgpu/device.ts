/**
 * Finding a WebGPU implementation (the browser's `navigator.gpu`, or Dawn through the `webgpu`
 * npm package in Node), an adapter, and a device with the features and limits Graft asks for.
 */
import { WebGPUUnavailableError } from './errors';

/** How to find the GPU and request the device: the implementation, adapter, features and limits. */
export interface WebGPUOptions {
  /** Use this `GPU` object instead of looking one up (tests, custom Dawn builds). */
  gpu?: GPU;
  /** Use this adapter instead of requesting one. */
  adapter?: GPUAdapter;
  powerPreference?: GPUPowerPreference;
  /** Ask for the `shader-f16` feature when the adapter has it (default true): enables float16 storage. */
  float16?: boolean;
  /** Lower (never raise) the limits the backend respects, e.g. to test the limit errors. */
  limits?: Partial<GpuLimits>;
}

/** The device limits the backend checks before it allocates or dispatches. */
export interface GpuLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  maxComputeWorkgroupsPerDimension: number;
  minStorageBufferOffsetAlignment: number;
  maxStorageBuffersPerShaderStage: number;
}

/** The GPU, adapter and device a backend runs on, with the limits the device was created with. */
export interface GpuContext {
  /**
   * The GPU object the device came from. Held for the device's lifetime: Dawn's Node binding
   * frees its instance when this object is garbage-collected, and then crashes in its event loop.
   */
  readonly gpu: GPU;
  readonly device: GPUDevice;
  readonly adapterInfo: { vendor: string; architecture: string; device: string; description: string };
  readonly f16: boolean;
  readonly limits: GpuLimits;
}

/** The `GPU` object of this environment: `navigator.gpu`, else Dawn's Node binding (loaded lazily). */
export async function findGpu(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  const isNode = typeof process !== 'undefined' && !!process.versions?.node;
  if (!isNode) throw new WebGPUUnavailableError('this browser has no navigator.gpu (WebGPU is disabled or unsupported)');
  // a variable specifier keeps bundlers from resolving the Node-only package for browser builds
  const specifier = 'webgpu';
  let mod: { create(flags: string[]): GPU };
  try {
    mod = (await import(/* @vite-ignore */ specifier)) as typeof mod;
  } catch (cause) {
    throw new WebGPUUnavailableError("WebGPU in Node needs the optional 'webgpu' package (npm install webgpu)", { cause });
  }
  return mod.create([]);
}

/** Limits Graft requests at the adapter's maximum, because the defaults (and compat mode's) are lower. */
const RAISED_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
] as const;

/** Requests an adapter and a device. Throws WebGPUUnavailableError when there is none. */
export async function createGpuContext(opts: WebGPUOptions = {}): Promise<GpuContext> {
  const gpu = opts.gpu ?? (await findGpu());
  const adapter = opts.adapter ?? (await gpu.requestAdapter(opts.powerPreference ? { powerPreference: opts.powerPreference } : {}));
  if (!adapter) throw new WebGPUUnavailableError('navigator.gpu.requestAdapter() returned no adapter (in Chromium, start it with --enable-unsafe-webgpu)');
  const features: GPUFeatureName[] = [];
  // a compatibility-mode adapter hands out compat limits unless core features are requested
  if (adapter.features.has('core-features-and-limits')) features.push('core-features-and-limits' as GPUFeatureName);
  const f16 = opts.float16 !== false && adapter.features.has('shader-f16');
  if (f16) features.push('shader-f16');
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) {
    const v = (adapter.limits as unknown as Record<string, number | undefined>)[name];
    if (typeof v === 'number') requiredLimits[name] = v;
  }
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredFeatures: features, requiredLimits });
  } catch (cause) {
    throw new WebGPUUnavailableError(`requestDevice failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
  const info = (adapter as { info?: Partial<GPUAdapterInfo> }).info ?? {};
  return {
    gpu,
    device,
    adapterInfo: { vendor: info.vendor ?? '', architecture: info.architecture ?? '', device: info.device ?? '', description: info.description ?? '' },
    f16,
    limits: effectiveLimits(device.limits, opts.limits ?? {}),
  };
}

function effectiveLimits(device: GPUSupportedLimits, lower: Partial<GpuLimits>): GpuLimits {
  const pick = (name: keyof GpuLimits) => Math.min(device[name], lower[name] ?? Infinity);
  return {
    maxBufferSize: pick('maxBufferSize'),
    maxStorageBufferBindingSize: pick('maxStorageBufferBindingSize'),
    maxComputeWorkgroupsPerDimension: pick('maxComputeWorkgroupsPerDimension'),
    // an alignment can only be raised safely
    minStorageBufferOffsetAlignment: Math.max(device.minStorageBufferOffsetAlignment, lower.minStorageBufferOffsetAlignment ?? 0),
    maxStorageBuffersPerShaderStage: pick('maxStorageBuffersPerShaderStage'),
  };
}
