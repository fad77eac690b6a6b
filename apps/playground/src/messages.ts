/**
 * Errors in plain words. Every error Graft throws carries a stable `code` (and a class name);
 * this table turns them into what a person reads: a title that says what went wrong, and what to
 * do about it. The error's own message, which names the file, field or setting, is shown under
 * them. Codes come first, class names second (several packages share a class name such as
 * `CheckpointError`), and anything unknown is a generic failure with a way to report it.
 */
import type { ErrorData } from './protocol';

/** What the page shows for an error. */
export interface ErrorView {
  /** The kind of problem, in a few words. */
  title: string;
  /** What the user can do next. */
  action: string;
  /** The error's own message (names the file, line, field or setting). */
  detail: string;
  /** For tests and styling: which row of the table matched. */
  kind: ErrorKind;
}

/** The kinds of problem the page tells apart. */
export type ErrorKind =
  | 'no-webgpu'
  | 'memory'
  | 'device-lost'
  | 'download'
  | 'model-file'
  | 'architecture'
  | 'tokenizer'
  | 'data-format'
  | 'data-file-type'
  | 'data-columns'
  | 'data-labels'
  | 'peft-settings'
  | 'train-settings'
  | 'saved-run'
  | 'storage'
  | 'busy'
  | 'method'
  | 'unknown';

interface Row {
  kind: ErrorKind;
  title: string;
  action: string;
}

const ROWS: Record<ErrorKind, Row> = {
  'no-webgpu': {
    kind: 'no-webgpu',
    title: 'WebGPU is not available',
    action:
      'Choose “CPU” as the device: training works there too, more slowly. For the GPU, open the page in a browser with WebGPU turned on (a recent Chrome or Edge; Safari and Firefox have it on some systems).',
  },
  memory: {
    kind: 'memory',
    title: 'Out of memory, or over a limit of the device',
    action:
      'Use a smaller batch size or a shorter maximum length, or LoRA instead of full fine-tuning (it keeps no optimizer state for the frozen weights). On a small GPU, the CPU may fit where WebGPU does not.',
  },
  'device-lost': {
    kind: 'device-lost',
    title: 'The GPU stopped responding',
    action:
      'The browser reset the GPU (a driver problem, or the system reclaimed memory). Reload the page: a run resumes from its last checkpoint. If it happens again, choose the CPU.',
  },
  download: {
    kind: 'download',
    title: 'The model could not be downloaded',
    action:
      'Check the address: a Hub-style server serves <base>/<repo>/resolve/main/config.json. The server must allow cross-origin requests (CORS), and the network must reach it.',
  },
  'model-file': {
    kind: 'model-file',
    title: 'This checkpoint cannot be read',
    action:
      'A checkpoint is a folder with config.json, model.safetensors (or a sharded index and its shards) and the tokenizer files (tokenizer.json or vocab.txt). Pick the whole folder; PyTorch .bin files must be converted to safetensors first.',
  },
  architecture: {
    kind: 'architecture',
    title: 'This architecture is not supported',
    action: 'The playground fine-tunes BERT, DistilBERT and RoBERTa checkpoints (model_type bert, distilbert or roberta). Choose a checkpoint of one of those.',
  },
  tokenizer: {
    kind: 'tokenizer',
    title: 'The tokenizer files cannot be used',
    action: 'Add the tokenizer files saved with the model (tokenizer.json, or vocab.txt with tokenizer_config.json), as save_pretrained writes them.',
  },
  'data-format': {
    kind: 'data-format',
    title: 'The data file is malformed',
    action: 'Fix the place the message points to (file:line:column), or export the data again as CSV with a header, or as JSON Lines with one object per line.',
  },
  'data-file-type': {
    kind: 'data-file-type',
    title: 'This kind of data file is not supported',
    action: 'Give a .csv, .tsv, .jsonl or .json file (gzipped is fine) with one text column and one label column.',
  },
  'data-columns': {
    kind: 'data-columns',
    title: 'A column is missing',
    action: 'Name the text and the label columns under “Columns” (the message lists the columns the file has), then load the data again.',
  },
  'data-labels': {
    kind: 'data-labels',
    title: 'The labels cannot be used',
    action: 'Every row needs a label; a classifier needs at least two classes and enough rows for training and evaluation.',
  },
  'peft-settings': {
    kind: 'peft-settings',
    title: 'The LoRA settings do not fit this model',
    action: 'Check the target modules (for BERT: query, value, key, dense; or all-linear), the rank and the alpha.',
  },
  'train-settings': {
    kind: 'train-settings',
    title: 'A training setting is out of range',
    action: 'Change the setting the message names and start the run again.',
  },
  'saved-run': {
    kind: 'saved-run',
    title: 'The saved run cannot be resumed',
    action: 'Its checkpoint is missing, damaged, or belongs to another model or batch size. Discard the saved run and start a new one.',
  },
  storage: {
    kind: 'storage',
    title: 'The browser does not let the page store checkpoints',
    action:
      'Runs still train, but a reload loses them. Leave private browsing, or allow site data for this page, to keep runs across reloads; free disk space if the quota is full.',
  },
  busy: {
    kind: 'busy',
    title: 'Something else is running',
    action: 'Wait for the current run to end, or pause or cancel it first.',
  },
  method: {
    kind: 'method',
    title: 'This fine-tuning method is not available here',
    action: 'Choose LoRA, full fine-tuning, head only or gradual unfreezing.',
  },
  unknown: {
    kind: 'unknown',
    title: 'Something went wrong',
    action: 'Reload the page (a run resumes from its last checkpoint). If it happens again, report it with the message below.',
  },
};

/** Codes whose meaning does not depend on the class. */
const BY_CODE: Record<string, ErrorKind> = {
  webgpu_unavailable: 'no-webgpu',
  out_of_memory: 'memory',
  webgpu_limit: 'memory',
  quota_exceeded: 'storage',
  webgpu_device_lost: 'device-lost',
  model_file_missing: 'model-file',
  model_file_invalid: 'model-file',
  model_config: 'model-file',
  checkpoint_missing_tensors: 'model-file',
  checkpoint_shape_mismatch: 'model-file',
  checkpoint_dtype: 'model-file',
  unsupported_model: 'architecture',
  // a model whose encoder layers the freezing strategies cannot find
  freezing_unknown_layout: 'architecture',
  unsupported_file: 'data-file-type',
  unknown_format: 'data-file-type',
  unsupported_format: 'data-file-type',
  column_not_found: 'data-columns',
  bad_label: 'data-labels',
  too_few_rows: 'data-labels',
  // @graft/train: a resume target that is gone, broken, or of another model
  checkpoint_not_found: 'saved-run',
  checkpoint_invalid: 'saved-run',
  checkpoint_mismatch: 'saved-run',
  no_pending_run: 'saved-run',
  not_resumable: 'saved-run',
  storage_unavailable: 'storage',
  run_busy: 'busy',
  method_unavailable: 'method',
};

/** Class names, for errors whose codes the table does not list. */
const BY_NAME: Record<string, ErrorKind> = {
  WebGPUUnavailableError: 'no-webgpu',
  OutOfMemoryError: 'memory',
  WebGPULimitError: 'memory',
  WebGPUDeviceLostError: 'device-lost',
  ModelFileError: 'model-file',
  ModelConfigError: 'model-file',
  SafetensorsError: 'model-file',
  UnsupportedModelError: 'architecture',
  TokenizerError: 'tokenizer',
  DataFormatError: 'data-format',
  DataSourceError: 'data-file-type',
  ColumnNotFoundError: 'data-columns',
  PeftConfigError: 'peft-settings',
  PeftTargetError: 'peft-settings',
  PeftMethodError: 'peft-settings',
  TrainingArgumentsError: 'train-settings',
  OptimizerConfigError: 'train-settings',
  FreezingError: 'train-settings',
  QuotaExceededError: 'storage',
  SecurityError: 'storage',
};

/** Families of codes, by prefix (each package names its codes after what they are about). */
const BY_PREFIX: [RegExp, ErrorKind][] = [
  [/^(csv_|json_|gzip_|parquet_|invalid_utf8$|wrong_type$|int64_out_of_range$)/, 'data-format'],
  [/^peft_/, 'peft-settings'],
  [/^training_args_/, 'train-settings'],
  [/^E_/, 'tokenizer'],
];

/** The view of an error: by code, then code family, then class name, then a network failure while fetching, else unknown. */
export function describeError(e: ErrorData): ErrorView {
  let kind: ErrorKind = 'unknown';
  const family = e.code ? BY_PREFIX.find(([re]) => re.test(e.code!)) : undefined;
  if (e.code === 'model_file_read') kind = 'download';
  else if (e.code && Object.hasOwn(BY_CODE, e.code)) kind = BY_CODE[e.code];
  else if (family) kind = family[1];
  else if (Object.hasOwn(BY_NAME, e.name)) kind = BY_NAME[e.name];
  // a GPU that cannot allocate reports it through WebGPU's own out-of-memory error scope
  else if (/out of memory|OutOfMemory|exceeds the maximum/i.test(e.message)) kind = 'memory';
  else if (e.name === 'TypeError' && /fetch/i.test(e.message)) kind = 'download';
  const row = ROWS[kind];
  return { kind, title: row.title, action: row.action, detail: e.message };
}
