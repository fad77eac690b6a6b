/**
 * PyTorch as a reference engine for the CPU suite: runs suites/core-cpu-torch.py in a
 * subprocess when a Python with `import torch` is found (Debian: `apt-get install python3-torch
 * libopenblas0-pthread`), and reports why not otherwise.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BertConfig } from './bert-step';

export interface TorchTiming {
  median: number;
  samples: number[];
  /** Median CPU seconds of the process (all threads) per call. */
  cpu: number;
}

export interface TorchResults {
  torch: string;
  threads: number;
  python: string;
  gemm: (TorchTiming & { shape: [number, number, number] })[];
  /** The `products` of the request, timed, in order. */
  products?: (TorchTiming & Product)[];
  /** `rss`/`maxRss`: resident bytes before the model was built, and the process's peak. */
  bert?: TorchTiming & { parameters: number; firstLoss: number; lastLoss: number; rss: number; maxRss: number };
}

const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'suites', 'core-cpu-torch.py');

/** The first Python that imports torch: Debian's /usr/bin/python3 first, since pyenv shims may shadow it. */
export function findTorchPython(): string | null {
  for (const py of [process.env.GRAFT_BENCH_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean) as string[]) {
    const r = spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return null;
}

/** A product as backward passes run it: `[batch ×] [M, K] · [K, N]`, A and/or B read transposed. */
export interface Product {
  shape: [number, number, number];
  batch?: number;
  ta?: boolean;
  tb?: boolean;
}

/** Runs the PyTorch side; null (with the reason printed) when there is no torch or it fails. */
export function runTorch(request: {
  threads: number;
  gemm: [number, number, number][];
  products?: Product[];
  minTime: number;
  bert?: BertConfig & { batch: number; seq: number; steps: number };
}): TorchResults | null {
  const python = findTorchPython();
  if (!python) {
    console.log('PyTorch: not found (apt-get install -y python3-torch libopenblas0-pthread); its columns are left empty');
    return null;
  }
  // OpenBLAS starts its own threads unless told: torch.set_num_threads alone leaves it using every core
  const threads = String(request.threads);
  const env = { ...process.env, OPENBLAS_NUM_THREADS: threads, OMP_NUM_THREADS: threads };
  const r = spawnSync(python, [script], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 64 << 20, env });
  if (r.status !== 0) {
    console.error(`PyTorch reference failed (exit ${r.status}):\n${r.stderr}`);
    return null;
  }
  return { ...(JSON.parse(r.stdout) as Omit<TorchResults, 'python'>), python };
}
