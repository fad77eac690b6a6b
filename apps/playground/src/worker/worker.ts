/// <reference lib="webworker" />
/**
 * The training worker's entry: every Graft package runs here, off the page's thread, so the page
 * stays responsive while a step computes. Requests are handled concurrently (pause and cancel
 * arrive while `train` is still running); each gets one reply, errors as plain data. Byte
 * payloads (downloads) are transferred, not copied.
 */
import { memoryFiles } from '@graft/models';
import { errorData, type ReplyMessage, type RequestMessage, type Requests, type RunInfo, type WorkerEvent } from '../protocol';
import { loadData } from './data-source';
import { startDevice } from './device';
import { PlaygroundError } from './errors';
import { exportAdapter, exportMerged } from './exports';
import { loadModelSource, sourceFiles } from './model-source';
import { predict } from './predict';
import { createRunFolder, discardRunFolder, latestCheckpoint, openRunFolder, pendingRun, type RunFolder, type RunRecord, readRunRecord } from './run-storage';
import { Session } from './session';
import { executeRun, RunControl, runModel } from './training';

declare const self: DedicatedWorkerGlobalScope;

const session = new Session();
let control: RunControl | null = null;
/** The stored run `openPending` prepared, until `train` with `resume` takes it. */
let pending: { record: RunRecord; folder: RunFolder } | null = null;
/** The page's address (from `init`): the site's own files are relative to it, not to the worker's script. */
let base = self.location.href;

const post = (event: WorkerEvent) => self.postMessage(event);
const status = (message: string) => post({ kind: 'event', type: 'status', message });

type Handlers = { [K in keyof Requests]: (params: Requests[K]['params']) => Promise<Requests[K]['result']> };

const handlers: Handlers = {
  async init({ device, base: pageBase }) {
    base = pageBase;
    session.device = await startDevice(device);
    return session.device;
  },

  async loadModel({ source }) {
    session.requireIdle('Loading a model');
    status('Reading the model files…');
    const model = await loadModelSource(source, sourceFiles(source, base));
    session.model = model;
    session.data = null;
    session.reset();
    return model.info;
  },

  async loadData({ source, options }) {
    session.requireIdle('Loading data');
    const model = session.requireModel();
    status('Reading and tokenizing the data…');
    const data = await loadData(source, options, model.tokenizer, base);
    const before = session.data?.info.labels.join('\u0000');
    const runsCleared = before !== undefined && before !== data.info.labels.join('\u0000') && session.runs.size > 0;
    if (before !== data.info.labels.join('\u0000')) session.reset();
    session.data = data;
    session.dataOptions = options;
    return { ...data.info, runsCleared };
  },

  async train({ spec, resume }) {
    session.requireIdle('Starting a run');
    if (session.runs.has(spec.name)) throw new PlaygroundError('run_exists', `there is already a run named '${spec.name}'; choose another name`);
    const model = session.requireModel();
    const data = session.requireData();
    let folder: RunFolder;
    if (resume) {
      if (!pending || pending.record.spec.name !== spec.name) throw new PlaygroundError('no_pending_run', 'open the saved run first (openPending)');
      folder = pending.folder;
      pending = null;
    } else {
      pending = null;
      const record: RunRecord = {
        spec,
        model: model.stored ?? { kind: 'stored', description: model.info.description },
        modelDescription: model.info.description,
        data: data.stored ?? { kind: 'stored', name: data.bytes!.name },
        dataDescription: data.info.description,
        dataOptions: session.dataOptions!,
        adapters: [...session.runs.values()].filter((r) => r.info.adapter).map((r) => r.spec),
        maxSteps: 0,
        savedAt: new Date().toISOString(),
      };
      status('Preparing the run’s storage…');
      folder = await createRunFolder(record, model.stored ? null : model.cache, data.stored?.kind === 'sst2' ? null : data.bytes);
      // an empty status clears the line
      status(folder.persistent ? '' : 'This browser gives the page no storage: the run will not survive a reload.');
    }
    const {
      model: net,
      info,
      freezing,
    } = await runModel(session, spec, ({ stage, modules, step }) =>
      post({ kind: 'event', type: 'unfreeze', run: spec.name, stage, modules: [...modules], step }),
    );
    session.runs.set(spec.name, { spec, info, model: net });
    post({ kind: 'event', type: 'started', run: spec.name, info });
    control = new RunControl((state) => post({ kind: 'event', type: 'state', run: spec.name, state }));
    try {
      return await executeRun(session, spec, net, info, folder, control, resume, post, freezing);
    } finally {
      control = null;
    }
  },

  async pause() {
    control?.pause();
    return null;
  },

  async resume() {
    control?.resume();
    return null;
  },

  async cancel() {
    control?.cancel();
    return null;
  },

  async pendingRun() {
    return session.training ? null : pendingRun();
  },

  async openPending() {
    session.requireIdle('Resuming a saved run');
    const record = await readRunRecord();
    if (!record) throw new PlaygroundError('no_pending_run', 'there is no saved run in this browser');
    const stored = await openRunFolder();
    status('Loading the saved run’s model…');
    const files =
      record.model.kind === 'stored' ? (stored.model ? memoryFiles(stored.model, record.model.description) : null) : sourceFiles(record.model, base);
    if (!files) throw new PlaygroundError('not_resumable', `the saved run's copy of ${record.modelDescription} is missing`);
    const model = await loadModelSource(record.model, files);
    // the stored copy stays the run's source, so a second reload finds it again
    if (record.model.kind === 'stored') model.stored = record.model;
    session.model = model;
    session.reset();
    status('Loading the saved run’s data…');
    const data = await loadData(record.data, record.dataOptions, model.tokenizer, base, stored.data ?? undefined);
    session.data = data;
    session.dataOptions = record.dataOptions;
    const runs: RunInfo[] = [];
    for (const spec of record.adapters) {
      const { model: net, info } = await runModel(session, spec);
      session.runs.set(spec.name, { spec, info, model: net });
      runs.push(info);
    }
    pending = { record, folder: { store: stored.store, persistent: true } };
    const latest = await latestCheckpoint(stored.store);
    return { model: model.info, data: data.info, dataOptions: record.dataOptions, runs, spec: record.spec, step: latest.step, history: latest.history };
  },

  async discardPending() {
    pending = null;
    await discardRunFolder();
    return null;
  },

  async predict({ texts, runs }) {
    return predict(session, texts, runs, session.dataOptions?.maxLength);
  },

  exportAdapter: ({ run }) => exportAdapter(session, run),
  exportMerged: ({ run }) => exportMerged(session, run),
};

self.onmessage = async (e: MessageEvent<RequestMessage>) => {
  const { id, type, params } = e.data;
  let reply: ReplyMessage;
  let transfer: Transferable[] = [];
  try {
    const handler = handlers[type] as (p: unknown) => Promise<unknown>;
    let result = await handler(params);
    if (type === 'exportAdapter' || type === 'exportMerged') {
      // copies, so transferring never detaches bytes the session still holds (cached model files)
      const out = result as Requests['exportAdapter']['result'];
      result = { ...out, files: out.files.map((f) => ({ name: f.name, bytes: f.bytes.slice() })) };
      transfer = (result as Requests['exportAdapter']['result']).files.map((f) => f.bytes.buffer);
    }
    reply = { kind: 'reply', id, ok: true, result };
  } catch (err) {
    console.error(err);
    reply = { kind: 'reply', id, ok: false, error: errorData(err) };
  }
  self.postMessage(reply, transfer);
};
