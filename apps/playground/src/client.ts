/**
 * The page's side of the worker: typed requests that resolve with the worker's reply, and events
 * handed to one listener. A request whose reply is an error rejects with a {@link WorkerError}
 * that keeps the error's class name and code, so the page can say what to do.
 */
import type { DevicePreference, ErrorData, Requests, RequestMessage, WorkerEvent, WorkerMessage } from './protocol';

/** An error the worker reported. */
export class WorkerError extends Error {
  readonly data: ErrorData;

  constructor(data: ErrorData) {
    super(data.message);
    this.name = data.name;
    this.data = data;
  }
}

/** A connection to a training worker. */
export class WorkerClient {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  #next = 1;
  onEvent: (event: WorkerEvent) => void = () => {};

  constructor(worker: Worker) {
    this.#worker = worker;
    worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
      const m = e.data;
      if (m.kind === 'event') {
        this.onEvent(m);
        return;
      }
      const p = this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new WorkerError(m.error));
    };
    worker.onerror = (e) => {
      // a worker that dies (a crash in a kernel, a module that failed to load) fails every request in flight
      const error = new WorkerError({ name: 'WorkerError', code: null, message: e.message || 'the training worker stopped' });
      for (const p of this.#pending.values()) p.reject(error);
      this.#pending.clear();
    };
  }

  /** Sends request `type` and resolves with its result. */
  call<K extends keyof Requests>(type: K, params: Requests[K]['params'], transfer: Transferable[] = []): Promise<Requests[K]['result']> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#worker.postMessage({ id, type, params } as RequestMessage, transfer);
    });
  }

  /** Stops the worker; requests in flight never resolve. */
  terminate(): void {
    this.#worker.terminate();
    this.#pending.clear();
  }
}

/** Starts a training worker and its device. */
export async function startWorker(device: DevicePreference): Promise<{ client: WorkerClient; info: Requests['init']['result'] }> {
  const worker = new Worker(new URL('./worker/worker.ts', import.meta.url), { type: 'module', name: 'graft-training' });
  const client = new WorkerClient(worker);
  const info = await client.call('init', { device, base: document.baseURI });
  return { client, info };
}
