/**
 * The run in browser storage: one folder in OPFS (`graft-playground/run/`) holding what a page
 * needs to continue a run after a reload: `run.json` (the run's settings, where its model and
 * data came from, the adapters that existed when it started), copies of the files the user
 * picked (`model/`, `data/`: a reload takes their `File`s away), and the Trainer's checkpoints
 * (`checkpoints/`, an {@link OpfsCheckpointStore}). One run is kept at a time; starting a run
 * replaces the folder, and a run that ends removes it.
 */
import { type CheckpointStore, checkpointStep, memoryCheckpointStore, sortedCheckpoints } from '@graft/train';
import type { DataOptions, PendingRun, RunSpec } from '../protocol';
import type { StoredDataSource } from './data-source';
import { PlaygroundError } from './errors';
import type { StoredModelSource } from './model-source';
import { entryNames, folderOrNull, OpfsCheckpointStore, opfsFolder, readFileOrNull, removeEntry, writeFileAtomic } from './opfs-store';

/** The folder of the run, under the origin's OPFS root. */
export const RUN_FOLDER = 'graft-playground/run';

/** What `run.json` holds. */
export interface RunRecord {
  spec: RunSpec;
  model: StoredModelSource;
  modelDescription: string;
  data: StoredDataSource;
  dataDescription: string;
  dataOptions: DataOptions;
  /** Adapter runs that existed on the base model when this run started (their weights are in its checkpoints). */
  adapters: RunSpec[];
  maxSteps: number;
  savedAt: string;
}

/** A run's folder, opened. */
export interface RunFolder {
  store: CheckpointStore;
  /** False where the browser gives no OPFS (private windows of some browsers): checkpoints stay in memory. */
  persistent: boolean;
}

/** The OPFS root, or null where the browser refuses it (then nothing survives a reload). */
async function runRoot(create: boolean): Promise<FileSystemDirectoryHandle | null> {
  try {
    return await opfsFolder(RUN_FOLDER, create);
  } catch (e) {
    if (['SecurityError', 'NotAllowedError', 'InvalidStateError', 'TypeError'].includes((e as Error).name)) return null;
    throw e;
  }
}

/** Writes a new run folder: the record, the user's files, and an empty checkpoint store. */
export async function createRunFolder(
  record: RunRecord,
  modelFiles: Map<string, Uint8Array> | null,
  dataFile: { name: string; bytes: Uint8Array } | null,
): Promise<RunFolder> {
  await discardRunFolder();
  const root = await runRoot(true);
  if (!root) return { store: memoryCheckpointStore(), persistent: false };
  try {
    if (modelFiles) {
      const dir = await root.getDirectoryHandle('model', { create: true });
      for (const [name, bytes] of modelFiles) await writeFileAtomic(dir, name, bytes);
    }
    if (dataFile) await writeFileAtomic(await root.getDirectoryHandle('data', { create: true }), dataFile.name, dataFile.bytes);
    // the record last: a folder without it is not a run, and is cleared on the next start
    await writeFileAtomic(root, 'run.json', new TextEncoder().encode(JSON.stringify(record, null, 2)));
  } catch (e) {
    if ((e as Error).name === 'QuotaExceededError') {
      await discardRunFolder();
      throw new PlaygroundError('storage_unavailable', `the browser's storage quota is full, so the run's files cannot be kept (${(e as Error).message})`, {
        cause: e,
      });
    }
    throw e;
  }
  return { store: new OpfsCheckpointStore(await root.getDirectoryHandle('checkpoints', { create: true })), persistent: true };
}

/** The stored run's record, or null when there is none (or it is unreadable). */
export async function readRunRecord(): Promise<RunRecord | null> {
  const root = await runRoot(false);
  if (!root) return null;
  const bytes = await readFileOrNull(root, 'run.json');
  if (!bytes) return null;
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as RunRecord;
  } catch {
    return null;
  }
}

/** The stored run's checkpoint store and its files (model files by name, the data file). */
export async function openRunFolder(): Promise<{
  store: OpfsCheckpointStore;
  model: Map<string, Uint8Array> | null;
  data: { name: string; bytes: Uint8Array } | null;
}> {
  const root = await runRoot(false);
  if (!root) throw new PlaygroundError('no_pending_run', 'there is no saved run in this browser');
  const store = new OpfsCheckpointStore(await root.getDirectoryHandle('checkpoints', { create: true }));
  let model: Map<string, Uint8Array> | null = null;
  const modelDir = await folderOrNull(root, 'model');
  if (modelDir) {
    model = new Map();
    for (const name of await entryNames(modelDir)) {
      const bytes = await readFileOrNull(modelDir, name);
      if (bytes) model.set(name, bytes);
    }
  }
  let data: { name: string; bytes: Uint8Array } | null = null;
  const dataDir = await folderOrNull(root, 'data');
  if (dataDir) {
    const [name] = await entryNames(dataDir);
    const bytes = name ? await readFileOrNull(dataDir, name) : null;
    if (name && bytes) data = { name, bytes };
  }
  return { store, model, data };
}

/** Where the latest checkpoint of `store` is: its step, the run's step count and its log (from its trainer_state.json). */
export async function latestCheckpoint(store: CheckpointStore): Promise<{ step: number; maxSteps: number; history: Record<string, number>[] }> {
  const checkpoints = sortedCheckpoints(await store.list());
  const latest = checkpoints[checkpoints.length - 1];
  if (!latest) return { step: 0, maxSteps: 0, history: [] };
  const bytes = await store.read(latest, 'trainer_state.json');
  let state: { max_steps?: number; log_history?: Record<string, number>[] } = {};
  try {
    if (bytes) state = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    // an unreadable state only loses the numbers shown before resuming; the resume itself reports it
  }
  return { step: checkpointStep(latest) ?? 0, maxSteps: state.max_steps ?? 0, history: Array.isArray(state.log_history) ? state.log_history : [] };
}

/** The stored run as the page lists it, or null. */
export async function pendingRun(): Promise<PendingRun | null> {
  const record = await readRunRecord();
  if (!record) return null;
  const { store } = await openRunFolder();
  const latest = await latestCheckpoint(store);
  return {
    spec: record.spec,
    step: latest.step,
    maxSteps: latest.maxSteps,
    modelDescription: record.modelDescription,
    dataDescription: record.dataDescription,
    resumable: true,
    savedAt: record.savedAt,
  };
}

/** Removes the stored run. */
export async function discardRunFolder(): Promise<void> {
  const parent = await runRoot(false).catch(() => null);
  if (!parent) return;
  const root = await opfsFolder('graft-playground', false);
  if (root) await removeEntry(root, 'run');
}
