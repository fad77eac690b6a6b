/**
 * Typed errors of the WebGPU backend. Each names the op (or the ops of the batch) it concerns, so a
 * failure on the GPU never turns into silently wrong numbers or an anonymous message.
 */
import { GraftError } from '../../errors';

/** No WebGPU adapter or device could be obtained (no `navigator.gpu`, no `webgpu` package, no adapter). */
export class WebGPUUnavailableError extends GraftError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('webgpu_unavailable', message, options);
  }
}

/** A tensor or dispatch exceeds a device limit (buffer size, binding size, workgroup counts). */
export class WebGPULimitError extends GraftError {
  readonly op: string;
  constructor(op: string, message: string) {
    super('webgpu_limit', `webgpu op '${op}': ${message}`);
    this.op = op;
  }
}

/** The device reported a validation or out-of-memory error for work of the named ops. */
export class WebGPUValidationError extends GraftError {
  readonly ops: readonly string[];
  constructor(ops: readonly string[], message: string) {
    super('webgpu_validation', `webgpu error in op${ops.length === 1 ? '' : 's'} ${ops.map((o) => `'${o}'`).join(', ')}: ${message}`);
    this.ops = ops;
  }
}

/** The GPU device was lost; every later op and read fails with this error. */
export class WebGPUDeviceLostError extends GraftError {
  readonly op: string;
  constructor(op: string, reason: string) {
    super('webgpu_device_lost', `webgpu device lost (op '${op}'): ${reason}`);
    this.op = op;
  }
}

/**
 * An index kernel (gather, scatterAdd) met an out-of-range index. Shaders cannot throw, so the
 * kernel clamped the index, raised a flag, and the next read reports it with this error.
 */
export class WebGPUIndexError extends GraftError {
  readonly op: string;
  constructor(op: string, index: number) {
    super('index_out_of_range', `${op}: index ${index} is out of range (detected on the GPU; results computed since then are invalid)`);
    this.op = op;
  }
}
