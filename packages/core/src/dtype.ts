/**
 * Data types. `float32`, `int32` and `bool` exist on every backend; `float64` exists on the CPU,
 * where it powers gradient checks; `float16` is a storage type a backend may offer.
 */
export type DType = 'float32' | 'float64' | 'int32' | 'bool' | 'float16';

/** The typed array that holds each dtype's elements on the CPU (`bool` is one byte, 0 or 1). */
export type TypedArrayFor<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'float64'
    ? Float64Array
    : D extends 'int32'
      ? Int32Array
      : D extends 'bool'
        ? Uint8Array
        : Uint16Array;

/** Any of the CPU arrays that hold a dtype's elements (see {@link TypedArrayFor}). */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array | Uint16Array;

/** Every dtype, in no particular order; a backend holds the ones in its `dtypes`. */
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool', 'float16'];

/** Whether `x` is the name of a dtype. */
export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && (DTYPES as readonly string[]).includes(x);
}

/** Bytes one element of `dtype` takes in storage (bool: 1). */
export function bytesPerElement(dtype: DType): number {
  switch (dtype) {
    case 'float64':
      return 8;
    case 'float32':
    case 'int32':
      return 4;
    case 'float16':
      return 2;
    case 'bool':
      return 1;
  }
}

/** Whether `dtype` is floating point (float16, float32 or float64). */
export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16';
}

/** Allocates a zero-filled CPU array for `size` elements of `dtype`. */
export function allocArray<D extends DType>(dtype: D, size: number): TypedArrayFor<D> {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size) as TypedArrayFor<D>;
    case 'float64':
      return new Float64Array(size) as TypedArrayFor<D>;
    case 'int32':
      return new Int32Array(size) as TypedArrayFor<D>;
    case 'bool':
      return new Uint8Array(size) as TypedArrayFor<D>;
    case 'float16':
      return new Uint16Array(size) as TypedArrayFor<D>;
  }
  throw new Error(`unknown dtype ${String(dtype)}`);
}

/**
 * The result dtype of a binary op, following PyTorch's promotion for the dtypes we have:
 * bool < int32 < float16 < float32 < float64.
 */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  const rank: Record<DType, number> = { bool: 0, int32: 1, float16: 2, float32: 3, float64: 4 };
  return rank[a] >= rank[b] ? a : b;
}

/** The dtype whose CPU array type `a` is. */
export function arrayDType(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint8Array) return 'bool';
  return 'float16';
}
