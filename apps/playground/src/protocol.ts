/**
 * The messages between the page and the training worker. Requests carry an id and get exactly one
 * reply (`ok` with the result, or the error as plain data); events flow from the worker on their
 * own. Every type here is structured-clone safe (plain objects, typed arrays, Files); byte
 * payloads travel as transferables, so a 20 MB checkpoint is moved, not copied.
 */
import type { ProgressEvent } from '@graft/train';

/** Which device the user asked for. `auto`: WebGPU where the browser has an adapter, else the CPU. */
export type DevicePreference = 'auto' | 'webgpu' | 'cpu';

/** The device training runs on, as the page shows it. */
export interface DeviceInfo {
  backend: 'webgpu' | 'cpu';
  /** One line for people: "WebGPU (google swiftshader)", "CPU (WebAssembly SIMD, 4 threads)". */
  label: string;
  /** Whether the browser offered a WebGPU adapter at all. */
  webgpuAvailable: boolean;
  /** Why WebGPU is not used, when it is not (no navigator.gpu, no adapter, the user chose the CPU). */
  webgpuNote: string | null;
  /** CPU threads the WASM kernels use (1 unless the page is cross-origin isolated). */
  threads: number;
  crossOriginIsolated: boolean;
}

/**
 * Where a model comes from: the site's embedded checkpoint, a Hub repository (`endpoint` may be a
 * mirror with the Hub's layout), a folder URL, or the files the user dropped or picked.
 */
export type ModelSource =
  | { kind: 'embedded'; url: string }
  | { kind: 'hub'; repo: string; endpoint: string; revision: string }
  | { kind: 'url'; url: string }
  | { kind: 'files'; files: File[] };

/** Where data comes from: the built-in SST-2 sample (train and dev URLs), or a file the user gave. */
export type DataSource = { kind: 'sst2'; trainUrl: string; devUrl: string } | { kind: 'file'; file: File };

/** What the page knows about a loaded model. */
export interface ModelInfo {
  description: string;
  modelType: string;
  architecture: string;
  layers: number;
  hiddenSize: number;
  vocabSize: number;
  /** Parameters of the backbone (no head), as stored. */
  parameters: number;
}

/** How rows become training examples. */
export interface DataOptions {
  /** Text and label columns (default: the first conventional name present, as the CLI chooses). */
  textColumn?: string;
  labelColumn?: string;
  /** Training rows drawn with the seed (default all). */
  trainSamples?: number;
  /** Evaluation rows (default all, at most 1,000). */
  evalSamples?: number;
  /** Tokens per example, special tokens included. */
  maxLength: number;
  seed: number;
}

/** What the page knows about loaded data. */
export interface DataInfo {
  description: string;
  columns: string[];
  textColumn: string;
  labelColumn: string;
  labels: string[];
  trainRows: number;
  evalRows: number;
  /** Where the evaluation rows came from: the dev file, or a split of the training file. */
  evalSource: string;
  preview: { text: string; label: string }[];
}

/** The ways to fine-tune. */
export type Method = 'lora' | 'full' | 'head' | 'gradual';

/** LoRA's settings (PEFT's names). */
export interface LoraSettings {
  r: number;
  alpha: number;
  dropout: number;
  /** Module names, or 'all-linear'. */
  targets: string[] | 'all-linear';
}

/** The Trainer's settings the page exposes (HF's names in camelCase). */
export interface TrainSettings {
  learningRate: number;
  numTrainEpochs: number;
  /** Stop after this many optimizer steps (0: the epochs decide). */
  maxSteps: number;
  batchSize: number;
  warmupRatio: number;
  weightDecay: number;
  /** Checkpoint to the browser's storage every this many steps. */
  saveSteps: number;
  /** Evaluate every this many steps. */
  evalSteps: number;
  loggingSteps: number;
  seed: number;
  /** Gradual unfreezing: open the next layer every this many steps. */
  unfreezeEvery: number;
}

/** One fine-tuning run. */
export interface RunSpec {
  /** Unique among runs: the adapter's name for LoRA. */
  name: string;
  method: Method;
  lora: LoraSettings;
  train: TrainSettings;
}

/** A run as the page lists it. */
export interface RunInfo {
  name: string;
  method: Method;
  /** Trainable and total parameters. */
  trainable: number;
  total: number;
  /** Whether it is an adapter on the shared base model (hot-swappable) or a model of its own. */
  adapter: boolean;
}

/** A run left in the browser's storage by an earlier page (a reload, a closed tab). */
export interface PendingRun {
  spec: RunSpec;
  step: number;
  maxSteps: number;
  modelDescription: string;
  dataDescription: string;
  /** Whether its model and data can be loaded again (files the user picked were copied into storage). */
  resumable: boolean;
  savedAt: string;
}

/** One text's prediction by one run. */
export interface Prediction {
  run: string;
  label: string;
  /** Softmax probabilities, by label id. */
  probabilities: number[];
  logits: number[];
}

/** Files to download, with the name of the zip they go into. */
export interface ExportedFiles {
  fileName: string;
  files: { name: string; bytes: Uint8Array }[];
}

/** An error as plain data: the class name and code decide the message the page shows. */
export interface ErrorData {
  name: string;
  code: string | null;
  message: string;
}

/** Every request: its parameters and its result. */
export interface Requests {
  /** Starts the device; `base` is the page's address, which the site's own files (the embedded model, SST-2) are relative to. */
  init: { params: { device: DevicePreference; base: string }; result: DeviceInfo };
  /** Loads a model's files and tokenizer (every run so far is dropped). */
  loadModel: { params: { source: ModelSource }; result: ModelInfo };
  /** Loads and tokenizes data; with other labels than before, the runs so far are dropped (their heads do not fit). */
  loadData: { params: { source: DataSource; options: DataOptions }; result: DataInfo & { runsCleared: boolean } };
  /** Trains run `spec`; with `resume`, the run opened by `openPending`, from its latest checkpoint. Replies when the run ends. */
  train: { params: { spec: RunSpec; resume: boolean }; result: RunInfo & { globalStep: number; cancelled: boolean } };
  pause: { params: Record<string, never>; result: null };
  resume: { params: Record<string, never>; result: null };
  cancel: { params: Record<string, never>; result: null };
  pendingRun: { params: Record<string, never>; result: PendingRun | null };
  /** Loads the stored run's model and data and rebuilds the adapters it was trained next to; `train` with `resume` continues it. */
  openPending: {
    params: Record<string, never>;
    result: { model: ModelInfo; data: DataInfo; dataOptions: DataOptions; runs: RunInfo[]; spec: RunSpec; step: number; history: Record<string, number>[] };
  };
  discardPending: { params: Record<string, never>; result: null };
  predict: { params: { texts: string[]; runs: string[] }; result: Prediction[][] };
  exportAdapter: { params: { run: string }; result: ExportedFiles };
  exportMerged: { params: { run: string }; result: ExportedFiles };
}

/** A request as sent. */
export type RequestMessage = { [K in keyof Requests]: { id: number; type: K; params: Requests[K]['params'] } }[keyof Requests];

/** A reply to request `id`. */
export type ReplyMessage = { kind: 'reply'; id: number; ok: true; result: unknown } | { kind: 'reply'; id: number; ok: false; error: ErrorData };

/** Events the worker sends while it works. */
export type WorkerEvent =
  | { kind: 'event'; type: 'started'; run: string; info: RunInfo }
  | { kind: 'event'; type: 'progress'; run: string; event: ProgressEvent }
  | { kind: 'event'; type: 'state'; run: string; state: 'running' | 'paused' | 'saving' | 'done' | 'cancelled' | 'failed' }
  | { kind: 'event'; type: 'unfreeze'; run: string; stage: number; modules: string[]; step: number }
  | { kind: 'event'; type: 'status'; message: string };

/** Anything the worker posts. */
export type WorkerMessage = ReplyMessage | WorkerEvent;

/** An error as data (what crosses from the worker to the page). */
export function errorData(e: unknown): ErrorData {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    // the first GraftError-like class in the chain names it (a subclass's name is the class's, not 'Error')
    return { name: e.name !== 'Error' ? e.name : e.constructor.name, code: typeof code === 'string' ? code : null, message: e.message };
  }
  return { name: 'Error', code: null, message: String(e) };
}
