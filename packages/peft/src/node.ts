/**
 * Node-only helpers of @graft/peft (`@graft/peft/node`): adapter directories on disk.
 * `savePeftAdapter` writes PEFT's files, each atomically (temporary file, flush, rename) through
 * `@graft/core/node`'s writer, weights before config, so an interrupted save never leaves a
 * config that points at missing weights; `loadPeftAdapter` and `PeftModel.fromPretrained` read a
 * directory. A `base_model_name_or_path` that is an absolute path is written relative to the
 * adapter's directory, so the directory still loads after it moves along with its base model.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { writeFileAtomic } from '@graft/core/node';
import type { AnyModule } from '@graft/nn';
import { PeftFileError } from './errors';
import type { SaveAdapterOptions } from './io/adapter-io';
import { ADAPTER_CONFIG_NAME, type AdapterFiles, type AdapterFilesLike } from './io/files';
import { type FromPretrainedOptions, type LoadAdapterOptions, PeftModel as BasePeftModel } from './peft-model';

/** An adapter directory as AdapterFiles; a missing directory is a `peft_file_missing` error naming it. */
export function adapterDirFiles(dir: string): AdapterFiles {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new PeftFileError('peft_file_missing', dir, `adapter directory ${dir} does not exist`);
  }
  if (!isDir) throw new PeftFileError('peft_file_missing', dir, `${dir} is a file; pass the directory that holds ${ADAPTER_CONFIG_NAME}`);
  return {
    description: dir,
    async read(name) {
      if (isAbsolute(name) || normalize(name).split(/[\\/]/).includes('..')) {
        throw new PeftFileError('peft_file_invalid', name, `refusing to read '${name}' outside ${dir}`);
      }
      try {
        return new Uint8Array(await readFile(join(dir, name)));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return null;
        throw new PeftFileError('peft_file_read', name, `could not read ${join(dir, name)}: ${(e as Error).message}`, { cause: e });
      }
    },
  };
}

/** A directory path, or files as the main entry takes them. */
export type DirOrFiles = string | AdapterFilesLike;

function filesOf(source: DirOrFiles): AdapterFilesLike {
  return typeof source === 'string' ? adapterDirFiles(source) : source;
}

/** `PeftModel` whose `fromPretrained` also reads an adapter directory (everything else is the main entry's class). */
export class PeftModel<M extends AnyModule = AnyModule> extends BasePeftModel<M> {
  /**
   * `base` with the adapter in directory `source` (or in files), as PEFT's
   * `PeftModel.from_pretrained(base, path)`; frozen unless `isTrainable`.
   * @example const peft = await PeftModel.fromPretrained(model, 'runs/sst2/adapter')
   */
  static override async fromPretrained<M extends AnyModule>(base: M, source: DirOrFiles, opts: FromPretrainedOptions = {}): Promise<PeftModel<M>> {
    // biome-ignore lint/complexity/noThisInStatic: `super` keeps `this`, so the instance is of this class
    return (await super.fromPretrained(base, filesOf(source), opts)) as PeftModel<M>;
  }
}

/** Options of {@link loadPeftAdapter}. */
export interface LoadPeftAdapterOptions extends FromPretrainedOptions {}

/**
 * Loads the adapter in `dir`: into `model` as a further adapter when it is a PeftModel (named
 * `adapterName`, default the directory's name, not activated), else onto the base model `model`
 * as `PeftModel.fromPretrained` does. Returns the PeftModel.
 */
export async function loadPeftAdapter<M extends AnyModule>(
  model: BasePeftModel<M> | M,
  dir: string,
  opts: LoadPeftAdapterOptions = {},
): Promise<BasePeftModel<M>> {
  if (model instanceof BasePeftModel) {
    const name = opts.adapterName ?? basename(resolve(dir));
    const load: LoadAdapterOptions = { isTrainable: opts.isTrainable, subfolder: opts.subfolder };
    await model.loadAdapter(adapterDirFiles(dir), name, load);
    return model as BasePeftModel<M>;
  }
  return PeftModel.fromPretrained(model as M, dir, opts);
}

/** `path` relative to `dir`, with forward slashes (PEFT writes POSIX-style relative paths). */
function relativeTo(dir: string, path: string): string {
  return relative(resolve(dir), path).split(sep).join('/') || '.';
}

/**
 * Writes `model`'s adapters to `dir` (created if needed) as PEFT's `save_pretrained` does:
 * `adapter_config.json` and `adapter_model.safetensors` for 'default', the same in a folder per
 * other adapter. Each file is written atomically, weights first. Returns the names written.
 */
export async function savePeftAdapter(model: BasePeftModel, dir: string, opts: SaveAdapterOptions = {}): Promise<string[]> {
  const files = await model.toAdapterFilesAsync({ rebaseAbsolutePath: (path, folder) => relativeTo(join(dir, folder ?? ''), path), ...opts });
  const order = [...files.keys()].sort((a, b) => Number(a.endsWith(ADAPTER_CONFIG_NAME)) - Number(b.endsWith(ADAPTER_CONFIG_NAME)) || a.localeCompare(b));
  for (const name of order) {
    const path = join(dir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, files.get(name)!);
  }
  return order;
}
