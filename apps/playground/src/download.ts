/**
 * Downloads: the worker's files zipped with fflate (8 KB, MIT, the most used zip library in
 * browsers) and handed to the browser as one file. safetensors weights are stored, not deflated:
 * float32 weights barely compress, and storing keeps a 20 MB zip instant.
 */
import { type Zippable, zipSync } from 'fflate';
import type { ExportedFiles } from './protocol';

/** The zip of `files` (JSON and text deflated, weights stored). */
export function zipFiles(files: ExportedFiles['files']): Uint8Array {
  const entries: Zippable = {};
  for (const f of files) entries[f.name] = [f.bytes, { level: f.name.endsWith('.safetensors') ? 0 : 6 }];
  return zipSync(entries);
}

/** Zips exported files and saves them under their name. */
export function download(exported: ExportedFiles): void {
  saveFile(exported.fileName, zipFiles(exported.files));
}

/** Saves `bytes` as file `name` through the browser's download. */
export function saveFile(name: string, bytes: Uint8Array, type = 'application/zip'): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
