/**
 * Reference-counted device memory. A Storage is shared by a tensor and all of its views (and by
 * tensors the autograd graph saved); its buffer goes back to the backend when the last one lets go.
 */
import type { Backend, BackendBuffer } from './backend/backend';
import { bytesPerElement, type DType } from './dtype';
import { DisposedError } from './errors';

interface DeviceUsage {
  buffers: number;
  bytes: number;
}

const usage = new Map<string, DeviceUsage>();

function account(device: string, buffers: number, bytes: number) {
  const u = usage.get(device) ?? { buffers: 0, bytes: 0 };
  u.buffers += buffers;
  u.bytes += bytes;
  usage.set(device, u);
}

/** Live buffers and bytes per device. */
export function storageUsage(): Record<string, DeviceUsage> {
  return Object.fromEntries([...usage].map(([k, v]) => [k, { ...v }]));
}

/** A backend buffer shared by a tensor, its views and the graph's saved copies, freed with its last reference. */
export class Storage {
  #refs = 1;
  readonly bytes: number;

  constructor(
    readonly backend: Backend,
    readonly buffer: BackendBuffer,
    readonly dtype: DType,
    /** Number of elements. */
    readonly size: number,
  ) {
    this.bytes = size * bytesPerElement(dtype);
    account(backend.name, 1, this.bytes);
  }

  /** Allocates a zero-filled storage on `backend`. */
  static alloc(backend: Backend, dtype: DType, size: number): Storage {
    return new Storage(backend, backend.alloc(dtype, size), dtype, size);
  }

  get refs(): number {
    return this.#refs;
  }

  get released(): boolean {
    return this.#refs <= 0;
  }

  retain(): this {
    if (this.#refs <= 0) throw new DisposedError('a tensor storage');
    this.#refs++;
    return this;
  }

  release(): void {
    if (this.#refs <= 0) return;
    if (--this.#refs === 0) {
      this.backend.free(this.buffer);
      account(this.backend.name, -1, -this.bytes);
    }
  }
}
