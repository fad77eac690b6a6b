/**
 * WebGPU flag values, spelled out so the backend does not depend on the `GPUBufferUsage` /
 * `GPUMapMode` globals, which Dawn's Node package only installs when asked to.
 */
export const BufferUsage = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;

export const MapMode = { READ: 0x0001 } as const;
export const ShaderStage = { COMPUTE: 0x4 } as const;

/** Invocations per workgroup of the 1-D kernels: within every adapter's limits, compat mode's included. */
export const WORKGROUP = 64;
