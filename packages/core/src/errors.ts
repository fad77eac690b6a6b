/**
 * Typed errors. Every error Graft throws on purpose is a `GraftError` with a stable `code`, so
 * callers (and the CLI's exit codes) can tell problems apart without parsing messages.
 */
export class GraftError extends Error {
  /** A stable, machine-readable identifier, e.g. `'shape_mismatch'`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Shapes that cannot be combined (broadcasting, matmul, concat, reshape…). */
export class ShapeError extends GraftError {
  constructor(message: string) {
    super('shape_mismatch', message);
  }
}

/** A dtype an op or a file format does not accept. */
export class DTypeError extends GraftError {
  constructor(message: string) {
    super('dtype_unsupported', message);
  }
}

/** A backend has no kernel for an op. */
export class MissingKernelError extends GraftError {
  /** The kernel that is missing (a primitive such as `'unary'`, or a fused op). */
  readonly op: string;
  readonly backend: string;
  /** The function that needed it, as the user called it (e.g. `'exp'`). */
  readonly calledAs: string;

  constructor(op: string, backend: string, calledAs = op) {
    const needed = calledAs === op ? `op '${op}'` : `'${calledAs}' (kernel '${op}')`;
    super(
      'missing_kernel',
      `backend '${backend}' has no kernel for ${needed}: register one with registerKernel('${backend}', '${op}', kernel), or move the tensors to a backend that has it with .to(device)`,
    );
    this.op = op;
    this.backend = backend;
    this.calledAs = calledAs;
  }
}

/** Tensors from two devices were passed to one op. */
export class DeviceMismatchError extends GraftError {
  /** The function the user called. */
  readonly op: string;
  /** The device of each tensor argument, in order. */
  readonly devices: readonly string[];

  constructor(op: string, devices: string[]) {
    super('device_mismatch', `${op}() got tensors on different devices (${devices.join(', ')}); move them to one device with .to(device) first`);
    this.op = op;
    this.devices = devices;
  }
}

/** A tensor was used after its storage was released. */
export class DisposedError extends GraftError {
  constructor(what: string) {
    super('disposed', `${what} was used after it was disposed`);
  }
}

/** A malformed or unsupported file (safetensors, config, …). */
export class FormatError extends GraftError {
  constructor(code: string, message: string) {
    super(code, message);
  }
}

/** An argument outside what a function accepts (unknown option, bad axis, …). */
export class ArgumentError extends GraftError {
  constructor(message: string) {
    super('invalid_argument', message);
  }
}

/**
 * A device has no room for another tensor. The message gives the live tensor count and bytes, the
 * fix (scopes, the Trainer, dispose), and with allocation debugging on, where most live tensors
 * were created.
 */
export class OutOfMemoryError extends GraftError {
  /** The device that ran out, e.g. `'cpu'`. */
  readonly device: string;

  constructor(device: string, message: string) {
    super('out_of_memory', message);
    this.device = device;
  }
}

/**
 * A number that cannot become an element of the requested dtype without changing its value: a
 * fraction, NaN, ±Infinity, or an integer outside int32's range. `value` and `index` (row-major,
 * in the data given) name the first one.
 */
export class LossyConversionError extends GraftError {
  /** The first value that does not fit. */
  readonly value: number;
  /** Its row-major index in the data given. */
  readonly index: number;

  constructor(message: string, value: number, index: number) {
    super('lossy_conversion', message);
    this.value = value;
    this.index = index;
  }
}
