/**
 * The page's controller: it owns the worker connection and what the page knows (device, model,
 * data, runs), sends the user's requests to the worker, folds the worker's events into run views,
 * and redraws the panels. Every failure lands in the error banner, in plain words.
 */
import { type WorkerClient, WorkerError, startWorker } from './client';
import { download } from './download';
import { describeError } from './messages';
import type { DataOptions, DataSource, DevicePreference, Method, ModelSource, RunSpec, WorkerEvent } from './protocol';
import { logPoint, newRunView, reduceRun, type RunView } from './run-view';
import { errorBanner, pendingBanner, statusLine } from './ui/banners';
import { dataPanel } from './ui/data-panel';
import { h } from './ui/dom';
import { header } from './ui/header';
import { modelPanel } from './ui/model-panel';
import { predictPanel } from './ui/predict-panel';
import { progressPanel } from './ui/progress-panel';
import { runsPanel } from './ui/runs-panel';
import { trainPanel } from './ui/train-panel';

/** The methods this build trains. */
export const AVAILABLE_METHODS: ReadonlySet<Method> = new Set(['lora', 'full', 'head', 'gradual']);

/** The device the page starts with: `?device=` in the address, else the last choice, else auto. */
export function initialDevice(search: string, stored: string | null): DevicePreference {
  const asked = new URLSearchParams(search).get('device') ?? stored;
  return asked === 'webgpu' || asked === 'cpu' || asked === 'auto' ? asked : 'auto';
}

/** The playground page. */
export class App {
  #client: WorkerClient | null = null;
  #preference: DevicePreference;
  #modelLoaded = false;
  #labels: string[] = [];
  #runs: RunView[] = [];
  #selected: string | null = null;
  #compared = new Set<string>();
  #busy = false;
  #paused = false;
  #stopping = false;

  readonly #header;
  readonly #status = statusLine();
  readonly #error = errorBanner();
  readonly #pending = pendingBanner({ resume: () => this.#resumePending(), discard: () => this.#discardPending() });
  readonly #model = modelPanel((s) => this.#loadModel(s));
  readonly #data = dataPanel((s, o) => this.#loadData(s, o));
  readonly #train = trainPanel(AVAILABLE_METHODS, {
    start: (spec) => this.#start(spec, false),
    pause: () => this.#control('pause'),
    resume: () => this.#control('resume'),
    cancel: () => this.#control('cancel'),
  });
  readonly #progress = progressPanel();
  readonly #runsPanel = runsPanel({
    select: (name) => {
      this.#selected = name;
      this.#render();
    },
    downloadAdapter: (name) => this.#download('exportAdapter', name),
    downloadMerged: (name) => this.#download('exportMerged', name),
    compare: (name, on) => {
      if (on) this.#compared.add(name);
      else this.#compared.delete(name);
      this.#render();
    },
  });
  readonly #predict = predictPanel((texts) => this.#predictTexts(texts));

  constructor(readonly root: HTMLElement) {
    this.#preference = initialDevice(location.search, localStorage.getItem('graft-playground-device'));
    this.#header = header(this.#preference, (d) => this.#switchDevice(d));
    root.replaceChildren(
      this.#header.element,
      h(
        'main',
        { class: 'layout' },
        h('div', { class: 'banners' }, this.#status.element, this.#error.element, this.#pending.element),
        h('div', { class: 'column controls' }, this.#model.element, this.#data.element, this.#train.element),
        h('div', { class: 'column results' }, this.#progress.element, this.#runsPanel.element, this.#predict.element),
      ),
      h(
        'footer',
        { class: 'app-footer' },
        'Built with ',
        h('a', { href: 'https://github.com/graft-ml/graft' }, 'Graft'),
        ': training runs in a Web Worker on WebGPU or WebAssembly; checkpoints stay in this browser.',
      ),
    );
    this.#render();
  }

  /** Starts the worker and looks for a run an earlier page left. */
  async start(): Promise<void> {
    await this.#startDevice();
  }

  async #startDevice(): Promise<void> {
    this.#header.show(null, true);
    this.#busy = true;
    this.#render();
    try {
      const { client, info } = await startWorker(this.#preference);
      client.onEvent = (e) => this.#onEvent(e);
      this.#client = client;
      this.#header.show(info);
      this.#pending.show(await client.call('pendingRun', {}));
    } catch (e) {
      this.#fail(e);
      this.#header.show(null);
    } finally {
      this.#busy = false;
      this.#render();
    }
  }

  async #switchDevice(d: DevicePreference): Promise<void> {
    if (this.#training()) {
      this.#fail(new WorkerError({ name: 'PlaygroundError', code: 'run_busy', message: 'the device cannot change while a run trains' }));
      return;
    }
    localStorage.setItem('graft-playground-device', d);
    this.#preference = d;
    this.#client?.terminate();
    this.#client = null;
    // models live on a device: a new device starts from a clean page
    this.#modelLoaded = false;
    this.#runs = [];
    this.#selected = null;
    this.#compared.clear();
    this.#model.show(null);
    this.#data.show(null);
    await this.#startDevice();
  }

  #training(): RunView | undefined {
    return this.#runs.find((r) => ['starting', 'running', 'paused', 'saving'].includes(r.state));
  }

  #fail(e: unknown): void {
    const data = e instanceof WorkerError ? e.data : { name: (e as Error)?.name ?? 'Error', code: null, message: (e as Error)?.message ?? String(e) };
    this.#error.show(describeError(data));
    this.#status.show(null);
  }

  /** Runs `work` with the loading controls disabled and errors shown. */
  async #task(work: (client: WorkerClient) => Promise<void>): Promise<void> {
    if (!this.#client) return;
    this.#busy = true;
    this.#error.show(null);
    this.#render();
    try {
      await work(this.#client);
    } catch (e) {
      this.#fail(e);
    } finally {
      this.#busy = false;
      this.#status.show(null);
      this.#render();
    }
  }

  #loadModel(source: ModelSource): Promise<void> {
    return this.#task(async (client) => {
      this.#status.show('Loading the model…');
      const info = await client.call('loadModel', { source });
      this.#modelLoaded = true;
      this.#labels = [];
      this.#runs = this.#runs.filter(() => false);
      this.#selected = null;
      this.#compared.clear();
      this.#model.show(info);
      this.#data.show(null);
    });
  }

  #loadData(source: DataSource, options: DataOptions): Promise<void> {
    return this.#task(async (client) => {
      this.#status.show('Loading the data…');
      const info = await client.call('loadData', { source, options });
      this.#labels = info.labels;
      if (info.runsCleared) {
        this.#runs = [];
        this.#selected = null;
        this.#compared.clear();
        this.#status.show('The new data has other labels, so the runs so far were cleared.');
      }
      this.#data.show(info);
    });
  }

  async #start(spec: RunSpec, resume: boolean, view = newRunView(spec)): Promise<void> {
    if (!this.#client) return;
    if (!resume && this.#runs.some((r) => r.spec.name === spec.name)) {
      this.#fail(new WorkerError({ name: 'PlaygroundError', code: 'run_exists', message: `there is already a run named '${spec.name}'; choose another name` }));
      return;
    }
    this.#error.show(null);
    this.#pending.show(null);
    this.#runs = [...this.#runs.filter((r) => r.spec.name !== spec.name), view];
    this.#selected = spec.name;
    this.#paused = false;
    this.#stopping = false;
    this.#render();
    try {
      const result = await this.#client.call('train', { spec, resume });
      this.#update(spec.name, (r) => ({ ...r, info: result, step: result.globalStep, state: result.cancelled ? 'cancelled' : 'done' }));
      if (result.adapter) this.#compared.add(spec.name);
      const n = this.#runs.filter((r) => r.spec.method === spec.method).length + 1;
      this.#train.suggestName(`${spec.method}-${n}`);
    } catch (e) {
      this.#update(spec.name, (r) => ({ ...r, state: 'failed' }));
      this.#fail(e);
    } finally {
      this.#stopping = false;
      this.#render();
    }
  }

  #control(action: 'pause' | 'resume' | 'cancel'): void {
    if (action === 'cancel') this.#stopping = true;
    this.#paused = action === 'pause';
    this.#client?.call(action, {}).catch((e) => this.#fail(e));
    this.#render();
  }

  async #resumePending(): Promise<void> {
    await this.#task(async (client) => {
      this.#status.show('Loading the saved run…');
      const opened = await client.call('openPending', {});
      this.#modelLoaded = true;
      this.#labels = opened.data.labels;
      this.#model.show(opened.model);
      this.#data.show(opened.data);
      this.#runs = opened.runs.map((info) => ({ ...newRunView({ ...opened.spec, name: info.name, method: info.method }), info, state: 'done' as const }));
      this.#pending.show(null);
      const view = newRunView(opened.spec, opened.history.map(logPoint), opened.step);
      this.#status.show(null);
      // the run goes on in the background; the loading controls are free again
      void this.#start(opened.spec, true, view);
    });
  }

  async #discardPending(): Promise<void> {
    await this.#task(async (client) => {
      await client.call('discardPending', {});
      this.#pending.show(null);
    });
  }

  #predictTexts(texts: string[]): Promise<void> {
    return this.#task(async (client) => {
      const runs = this.#compared.size ? [...this.#compared] : this.#selected ? [this.#selected] : [];
      const predictions = await client.call('predict', { texts, runs });
      this.#predict.show(texts, predictions, this.#labels);
    });
  }

  #download(kind: 'exportAdapter' | 'exportMerged', run: string): Promise<void> {
    return this.#task(async (client) => {
      this.#status.show(kind === 'exportAdapter' ? 'Preparing the adapter…' : 'Merging and preparing the checkpoint…');
      download(await client.call(kind, { run }));
    });
  }

  #update(name: string, f: (r: RunView) => RunView): void {
    this.#runs = this.#runs.map((r) => (r.spec.name === name ? f(r) : r));
  }

  #onEvent(e: WorkerEvent): void {
    if (e.type === 'status') {
      this.#status.show(e.message || null);
      return;
    }
    this.#update(e.run, (r) => reduceRun(r, e));
    if (e.type === 'state') this.#paused = e.state === 'paused';
    this.#render();
  }

  #render(): void {
    const training = this.#training();
    const state = training ? (this.#stopping ? 'stopping' : this.#paused ? 'paused' : 'running') : 'idle';
    const ready = !!this.#client && this.#modelLoaded && this.#labels.length > 0 && !this.#busy;
    this.#train.setState(state, ready);
    this.#model.setBusy(this.#busy || !!training || !this.#client);
    this.#data.setBusy(this.#busy || !!training || !this.#modelLoaded);
    const trained = this.#runs.some((r) => r.info && ['done', 'cancelled', 'failed'].includes(r.state));
    this.#predict.setBusy(
      this.#busy || !!training || !trained,
      training ? 'Predictions wait until the run ends.' : !trained ? 'Train a run first.' : undefined,
    );
    this.#progress.show(this.#runs.find((r) => r.spec.name === this.#selected) ?? null);
    this.#runsPanel.show(this.#runs, this.#selected, this.#compared, this.#busy || !!training);
  }
}
