/**
 * Adapters in PEFT's files, both ways. `adapter_config.json` is the adapter's config as PEFT
 * writes it (sorted keys, `inference_mode: true`, `peft_version`); `adapter_model.safetensors`
 * holds the adapter's tensors under `base_model.model.<path>` with the adapter name stripped
 * (`…query.lora_A.weight`, `classifier.weight` for a modules_to_save copy), F32 with
 * `{"format": "pt"}` metadata. An adapter other than `default` goes into a folder of its name,
 * as PEFT's `save_pretrained` does. Loading checks every key and shape before it writes a
 * single tensor, and draws no random numbers.
 */
import { GraftError, loadSafetensors, noGrad, type SafetensorsDType, scope, serializeSafetensors, type Tensor, type TensorToWrite } from '@graft/core';
import { configJsonText } from '../config/config-json';
import { COMMON_FIELDS, PEFT_FORMAT_VERSION, type PeftConfig } from '../config/peft-config';
import { PeftFileError } from '../errors';
import { parsePeftConfig } from '../registry';
import { BASE_MODEL_PREFIX, type TunerModel } from '../tuners/tuner-model';
import { ADAPTER_CONFIG_NAME, ADAPTER_PICKLE_NAME, ADAPTER_WEIGHTS_NAME, type AdapterFiles, inFolder } from './files';

export { BASE_MODEL_PREFIX };

/** Options of saving adapters. */
export interface SaveAdapterOptions {
  /** The adapters to save (default: all). */
  selectedAdapters?: readonly string[];
  /** `base_model_name_or_path` to write instead of the config's (a Hub name, or a path relative to the adapter). */
  baseModelNameOrPath?: string | null;
  /**
   * How an absolute `base_model_name_or_path` is written (an absolute path would only load on this
   * machine): given the path and the adapter's folder among the files (undefined for the root).
   * Default: the path's last segment; `savePeftAdapter` writes it relative to the adapter's directory.
   */
  rebaseAbsolutePath?: (path: string, folder: string | undefined) => string;
}

/** Whether `p` is an absolute file path or file URL (never written into a config: the adapter would only load on this machine). */
export function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || p.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('file:');
}

/** An absolute path's last segment (a path to the base model's folder becomes its name). */
function lastSegment(path: string): string {
  const parts = path
    .replace(/^file:\/*/, '/')
    .split(/[\\/]+/)
    .filter(Boolean);
  return parts[parts.length - 1] ?? '.';
}

const STORED: Partial<Record<string, SafetensorsDType>> = { float32: 'F32', float16: 'F16', float64: 'F64' };

/** The adapter_config.json text of adapter `name`, as PEFT's `save_pretrained` writes it. */
export function adapterConfigText(tuner: TunerModel, name: string, opts: SaveAdapterOptions = {}): string {
  const config = tuner.config(name);
  let base = opts.baseModelNameOrPath !== undefined ? opts.baseModelNameOrPath : config.base_model_name_or_path;
  if (base !== null && isAbsolutePath(base)) base = (opts.rebaseAbsolutePath ?? lastSegment)(base, folderOf(name));
  const specs = { ...COMMON_FIELDS, ...tuner.method.fields };
  const out: Record<string, unknown> = { ...config, inference_mode: true, peft_version: PEFT_FORMAT_VERSION, base_model_name_or_path: base };
  // Graft-only inputs (token ids PEFT would compute with a tokenizer) are not PEFT fields
  for (const [field, spec] of Object.entries(specs)) if (spec.transient) delete out[field];
  return configJsonText(out, specs);
}

/**
 * Adapter `name`'s tensors by file key (`base_model.model.…lora_A.weight`, `prompt_embeddings`),
 * and those among them computed for the file (a projected prefix), which the caller disposes.
 */
export function adapterFileTensors(tuner: TunerModel, name: string): { tensors: Map<string, Tensor>; computed: Set<Tensor> } {
  tuner.config(name);
  const tensors = new Map<string, Tensor>();
  const computed = new Set<Tensor>();
  for (const t of tuner.adapterTensors(name)) {
    tensors.set(t.fileKey, t.tensor);
    if (t.computed) computed.add(t.tensor);
  }
  return { tensors, computed };
}

function writeList(tensors: Map<string, Tensor>, read: (t: Tensor, key: string) => ArrayLike<number>): TensorToWrite[] {
  return [...tensors].map(([name, t]) => {
    const dtype = STORED[t.dtype];
    if (!dtype) throw new GraftError('save_dtype', `cannot save adapter tensor '${name}' of dtype ${t.dtype}`);
    return { name, dtype, shape: t.shape, data: read(t, name) as Float32Array };
  });
}

function selected(tuner: TunerModel, opts: SaveAdapterOptions): string[] {
  const names = opts.selectedAdapters ? [...opts.selectedAdapters] : [...tuner.configs.keys()];
  for (const n of names) tuner.config(n);
  return names;
}

/** The folder PEFT saves adapter `name` in (the root for 'default'). */
function folderOf(name: string): string | undefined {
  return name === 'default' ? undefined : name;
}

/** The adapter files (synchronous: the tensors must be readable synchronously, i.e. on the CPU). */
export function adapterFiles(tuner: TunerModel, opts: SaveAdapterOptions = {}): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const name of selected(tuner, opts)) {
    const { tensors, computed } = adapterFileTensors(tuner, name);
    try {
      const list = writeList(tensors, (t, key) => {
        try {
          return t.dataSync();
        } catch (e) {
          throw new GraftError('sync_read_unsupported', `cannot read '${key}' synchronously from ${t.device}; use toAdapterFilesAsync()`, { cause: e });
        }
      });
      files.set(inFolder(folderOf(name), ADAPTER_WEIGHTS_NAME), serializeSafetensors(list, { format: 'pt' }));
    } finally {
      for (const t of computed) t.dispose();
    }
    files.set(inFolder(folderOf(name), ADAPTER_CONFIG_NAME), new TextEncoder().encode(adapterConfigText(tuner, name, opts)));
  }
  return files;
}

/** {@link adapterFiles} from any device. */
export async function adapterFilesAsync(tuner: TunerModel, opts: SaveAdapterOptions = {}): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const name of selected(tuner, opts)) {
    const { tensors, computed } = adapterFileTensors(tuner, name);
    const values = new Map<Tensor, ArrayLike<number>>();
    try {
      for (const t of tensors.values()) values.set(t, await t.data());
    } finally {
      for (const t of computed) t.dispose();
    }
    files.set(
      inFolder(folderOf(name), ADAPTER_WEIGHTS_NAME),
      serializeSafetensors(
        writeList(tensors, (t) => values.get(t)!),
        { format: 'pt' },
      ),
    );
    files.set(inFolder(folderOf(name), ADAPTER_CONFIG_NAME), new TextEncoder().encode(adapterConfigText(tuner, name, opts)));
  }
  return files;
}

async function need(files: AdapterFiles, name: string): Promise<Uint8Array> {
  let bytes: Uint8Array | null;
  try {
    bytes = await files.read(name);
  } catch (e) {
    if (e instanceof GraftError) throw e;
    throw new PeftFileError('peft_file_read', name, `could not read ${name} from ${files.description}: ${(e as Error).message}`, { cause: e });
  }
  if (bytes) return bytes;
  if (name.endsWith(ADAPTER_WEIGHTS_NAME) && (await files.read(name.replace(ADAPTER_WEIGHTS_NAME, ADAPTER_PICKLE_NAME)))) {
    throw new PeftFileError(
      'peft_file_invalid',
      name,
      `${files.description} holds only ${ADAPTER_PICKLE_NAME}, a PyTorch pickle, which Graft does not read (unpickling runs code); convert it in Python with safetensors.torch.save_file, or save the adapter again with PEFT's default safe_serialization=True`,
    );
  }
  throw new PeftFileError('peft_file_missing', name, `${files.description} has no ${name}`);
}

/** The adapter config in `files` (in `subfolder` when given), validated for its method. */
export async function readAdapterConfig(files: AdapterFiles, subfolder?: string): Promise<PeftConfig> {
  const name = inFolder(subfolder, ADAPTER_CONFIG_NAME);
  const bytes = await need(files, name);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new PeftFileError('peft_file_invalid', name, `${files.description}/${name} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  return parsePeftConfig(json, 'file', `${files.description}/${name}`);
}

/**
 * Loads adapter `name`'s weights from `files` into the tuner, all or nothing: every key the
 * adapter has must be in the file, nothing else may be, and every shape must match.
 */
export async function loadAdapterWeights(tuner: TunerModel, name: string, files: AdapterFiles, subfolder?: string): Promise<void> {
  const file = inFolder(subfolder, ADAPTER_WEIGHTS_NAME);
  const bytes = await need(files, file);
  let loaded: Map<string, Tensor>;
  try {
    loaded = loadSafetensors(bytes, { device: 'cpu' }).tensors;
  } catch (e) {
    throw new PeftFileError('peft_file_invalid', file, `${files.description}/${file} cannot be read: ${(e as Error).message}`, { cause: e });
  }
  const { tensors: targets, computed } = adapterFileTensors(tuner, name);
  try {
    if (computed.size > 0) {
      // prompt-learning methods refuse to build such an adapter for loading; this guards a plugin that does not
      throw new PeftFileError(
        'peft_file_mismatch',
        file,
        `${files.description}/${file}: adapter '${name}' saves values computed from its parameters (${[...targets]
          .filter(([, t]) => computed.has(t))
          .map(([k]) => k)
          .join(', ')}), which cannot be loaded back into them; load it for inference (isTrainable false)`,
      );
    }
    const missing = [...targets.keys()].filter((k) => !loaded.has(k));
    const unexpected = [...loaded.keys()].filter((k) => !targets.has(k));
    const shapes = [...targets]
      .filter(([k, t]) => loaded.has(k) && loaded.get(k)!.shape.join() !== t.shape.join())
      .map(([k, t]) => `${k}: file [${loaded.get(k)!.shape.join(', ')}], model [${t.shape.join(', ')}]`);
    if (missing.length || unexpected.length || shapes.length) {
      const parts = [
        missing.length ? `missing ${missing.join(', ')}` : '',
        unexpected.length ? `unexpected ${unexpected.join(', ')}` : '',
        shapes.length ? `other shapes: ${shapes.join('; ')}` : '',
      ].filter(Boolean);
      throw new PeftFileError(
        'peft_file_mismatch',
        file,
        `${files.description}/${file} does not fit the model (nothing was loaded): ${parts.join('; ')}. Check that the adapter was trained on this base model and that adapter_config.json belongs to it`,
      );
    }
    scope(() =>
      noGrad(() => {
        for (const [key, target] of targets) target.assign(loaded.get(key)!.to(target.device));
      }),
    );
  } finally {
    for (const t of loaded.values()) t.dispose();
    for (const t of computed) t.dispose();
  }
}
