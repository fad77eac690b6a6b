/**
 * The backend registry: which backends exist, which is the default for new tensors, and the
 * lookup of a kernel by (backend, op) that fails with both names when one is missing.
 */
import { ArgumentError, MissingKernelError } from '../errors';
import type { AnyKernelOp } from '../ops/spec';
import type { Backend, Kernel } from './backend';

export class BackendRegistry {
  readonly #backends = new Map<string, { backend: Backend; priority: number }>();
  #current: string | null = null;

  /** Registers a backend; the highest priority one becomes the default unless one was chosen. */
  register(backend: Backend, opts: { priority?: number } = {}): void {
    if (this.#backends.has(backend.name)) throw new ArgumentError(`a backend named '${backend.name}' is already registered`);
    this.#backends.set(backend.name, { backend, priority: opts.priority ?? 0 });
  }

  /** Removes a backend, releasing its resources. */
  unregister(name: string): void {
    const entry = this.#backends.get(name);
    if (!entry) return;
    entry.backend.dispose?.();
    this.#backends.delete(name);
    if (this.#current === name) this.#current = null;
  }

  has(name: string): boolean {
    return this.#backends.has(name);
  }

  get(name: string): Backend {
    const entry = this.#backends.get(name);
    if (!entry) {
      throw new ArgumentError(`no backend named '${name}' is registered (registered: ${[...this.#backends.keys()].join(', ') || 'none'})`);
    }
    return entry.backend;
  }

  names(): string[] {
    return [...this.#backends.keys()];
  }

  /** Makes `name` the device of tensors created without an explicit device. */
  setDefault(name: string): void {
    this.get(name);
    this.#current = name;
  }

  /** The default backend: the chosen one, else the registered one with the highest priority. */
  default(): Backend {
    if (this.#current) return this.get(this.#current);
    let best: { backend: Backend; priority: number } | undefined;
    for (const entry of this.#backends.values()) if (!best || entry.priority > best.priority) best = entry;
    if (!best) throw new ArgumentError('no backend is registered');
    return best.backend;
  }

  /** Adds or replaces one kernel of a registered backend (plugins use this for fused kernels). */
  registerKernel<K extends AnyKernelOp>(backendName: string, op: K, kernel: Kernel<K>): void {
    const backend = this.get(backendName);
    (backend.kernels as Record<string, unknown>)[op] = kernel;
  }

  kernel<K extends AnyKernelOp>(backend: Backend, op: K): Kernel<K> {
    const k = backend.kernels[op] as Kernel<K> | undefined;
    if (!k) throw new MissingKernelError(op, backend.name);
    return k;
  }
}
