/**
 * What a run leaves in its directory besides the Trainer's checkpoints: `best/` (an HF-format
 * checkpoint: config.json, model.safetensors, the tokenizer files, loadable by transformers'
 * `from_pretrained`), `trainer_state.json` at the top (as `trainer.save_state()` writes it) and
 * `report.html`. Every file is written atomically, so a killed run never leaves half a file.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@graft/core/node';
import type { ReportData } from './report/report-data';
import { renderReportHtml } from './report/report-html';

/** The files of a tokenizer folder that a checkpoint carries (those HF's `save_pretrained` writes). */
export const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'vocab.txt',
  'vocab.json',
  'merges.txt',
  'spiece.model',
  'sentencepiece.bpe.model',
  'added_tokens.json',
];

/** The tokenizer files in `dir`, by name. */
export function tokenizerFiles(dir: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const name of TOKENIZER_FILES) {
    const path = join(dir, name);
    if (existsSync(path)) files.set(name, new Uint8Array(readFileSync(path)));
  }
  return files;
}

/** Writes a set of files into `dir` (created), each atomically. */
export async function writeFiles(dir: string, files: ReadonlyMap<string, Uint8Array | string>): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const [name, data] of files) await writeFileAtomic(join(dir, name), data);
}

/** Something that writes itself as HF files (every @graft/models model). */
export interface PretrainedWriter {
  toPretrainedFilesAsync(): Promise<Map<string, Uint8Array>>;
}

/** Writes `<runDir>/best`: the model's config.json and model.safetensors, and the tokenizer files. */
export async function writeBestModel(runDir: string, model: PretrainedWriter, tokenizer: ReadonlyMap<string, Uint8Array>): Promise<string> {
  const dir = join(runDir, 'best');
  const files = new Map<string, Uint8Array>([...(await model.toPretrainedFilesAsync()), ...tokenizer]);
  await writeFiles(dir, files);
  return dir;
}

/** Writes `report.html` into the run directory. */
export async function writeReport(runDir: string, data: ReportData): Promise<string> {
  const path = join(runDir, 'report.html');
  await writeFileAtomic(path, renderReportHtml(data));
  return path;
}
