/**
 * Sizing up candidate checkpoints before choosing one: `graft inspect --json` on each folder
 * gives its architecture, parameter count and an estimate of the memory a full fine-tune needs
 * (weights, gradients, AdamW's moments, activations). Node only (it reads folders); the same
 * command prints a layer table for one model.
 *
 *   tsx docs/examples/models/compare-checkpoints.ts assets/models/bert-tiny-imdb-mlm …
 */
import { runCli } from '@graft/cli';
import { isMain } from '../is-main';

/** What the comparison prints for one checkpoint. */
export interface CheckpointSize {
  folder: string;
  architecture: string;
  parameters: number;
  trainMiB: number;
}

/** Inspects each folder (at batch 32 × 128 tokens) and prints one line per checkpoint. */
export async function compareCheckpoints(folders: string[], log: (line: string) => void): Promise<CheckpointSize[]> {
  const sizes: CheckpointSize[] = [];
  for (const folder of folders) {
    let out = '';
    const code = await runCli(['inspect', folder, '--batch-size', '32', '--max-length', '128', '--json'], {
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: () => true }, // with --json the human-readable table goes to stderr
    });
    if (code !== 0) throw new Error(`graft inspect ${folder} exited with ${code}`);
    const r = JSON.parse(out) as { architecture: string; parameters: number; memory: { total: number } };
    sizes.push({ folder, architecture: r.architecture, parameters: r.parameters, trainMiB: r.memory.total / 2 ** 20 });
  }
  const width = Math.max(...folders.map((f) => f.length));
  for (const s of sizes) {
    log(
      `${s.folder.padEnd(width)}  ${s.architecture.padEnd(36)} ${s.parameters.toLocaleString('en-US').padStart(11)} parameters  ~${s.trainMiB.toFixed(0)} MiB to train`,
    );
  }
  return sizes;
}

if (isMain(import.meta.url)) void compareCheckpoints(process.argv.slice(2), console.log);
