/**
 * The backend registry: which backends exist, which is the default for new tensors, and the
 * lookup of a kernel by (backend, op) that fails with both names when one is missing. A backend
 * may be registered lazily, as a function that creates it when a tensor first needs it.
 */
import { ArgumentError, MissingKernelError } from '../errors';
import type { AnyKernelOp } from '../ops/spec';
import type { Backend, Kernel } from './backend';

interface Entry {
  backend: Backend | null;
  create: (() => Backend) | null;
  priority: number;
}

/** Backends by name, the default one, and kernel lookup. */
export class BackendRegistry {
  readonly #backends = new Map<string, Entry>();
  #current: string | null = null;

  /** Registers a backend; the highest priority one becomes the default unless one was chosen. */
  register(backend: Backend, opts: { priority?: number } = {}): void {
    this.#add(backend.name, { backend, create: null, priority: opts.priority ?? 0 });
  }

  /**
   * Registers a backend that `create` makes on first use (a tensor created on it, `get(name)`,
   * or being the default when a tensor is created without a device). Until then it costs nothing.
   */
  registerLazy(name: string, create: () => Backend, opts: { priority?: number } = {}): void {
    this.#add(name, { backend: null, create, priority: opts.priority ?? 0 });
  }

  #add(name: string, entry: Entry): void {
    if (this.#backends.has(name)) throw new ArgumentError(`a backend named '${name}' is already registered`);
    this.#backends.set(name, entry);
  }

  /** Removes a backend, releasing its resources if it was started. */
  unregister(name: string): void {
    const entry = this.#backends.get(name);
    if (!entry) return;
    entry.backend?.dispose?.();
    this.#backends.delete(name);
    if (this.#current === name) this.#current = null;
  }

  /** Whether a backend of this name is registered (started or not). */
  has(name: string): boolean {
    return this.#backends.has(name);
  }

  /** Whether the backend exists yet: false for a lazy one that nothing has used. Starts nothing. */
  isStarted(name: string): boolean {
    return this.#backends.get(name)?.backend != null;
  }

  /** The backend of this name, created now if it was registered lazily and not used yet. */
  get(name: string): Backend {
    const entry = this.#backends.get(name);
    if (!entry) throw this.#unknown(name);
    return this.#start(name, entry);
  }

  #unknown(name: string): ArgumentError {
    return new ArgumentError(`no backend named '${name}' is registered (registered: ${[...this.#backends.keys()].join(', ') || 'none'})`);
  }

  #start(name: string, entry: Entry): Backend {
    if (!entry.backend) {
      const backend = entry.create!();
      if (backend.name !== name) throw new ArgumentError(`the lazy backend '${name}' was created with the name '${backend.name}'`);
      entry.backend = backend;
      entry.create = null;
    }
    return entry.backend;
  }

  /** The names of the registered backends, started or not. */
  names(): string[] {
    return [...this.#backends.keys()];
  }

  /** Makes `name` the device of tensors created without an explicit device (without starting it). */
  setDefault(name: string): void {
    if (!this.has(name)) throw this.#unknown(name);
    this.#current = name;
  }

  /** The name of the default backend (without starting it). */
  defaultName(): string {
    if (this.#current) return this.#current;
    let best: [string, Entry] | undefined;
    for (const item of this.#backends) if (!best || item[1].priority > best[1].priority) best = item;
    if (!best) throw new ArgumentError('no backend is registered');
    return best[0];
  }

  /** The default backend: the chosen one, else the registered one with the highest priority. */
  default(): Backend {
    return this.get(this.defaultName());
  }

  /** Adds or replaces one kernel of a registered backend (plugins use this for fused kernels). */
  registerKernel<K extends AnyKernelOp>(backendName: string, op: K, kernel: Kernel<K>): void {
    const backend = this.get(backendName);
    (backend.kernels as Record<string, unknown>)[op] = kernel;
  }

  /** The kernel of `op` on `backend`; `calledAs` names the user's function in the error when there is none. */
  kernel<K extends AnyKernelOp>(backend: Backend, op: K, calledAs: string = op): Kernel<K> {
    const k = backend.kernels[op] as Kernel<K> | undefined;
    if (!k) throw new MissingKernelError(op, backend.name, calledAs);
    return k;
  }
}
