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
}

export interface TorchResults {
  torch: string;
  threads: number;
  python: string;
  gemm: (TorchTiming & { shape: [number, number, number] })[];
  bert?: TorchTiming & { parameters: number; firstLoss: number; lastLoss: number };
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

/** Runs the PyTorch side; null (with the reason printed) when there is no torch or it fails. */
export function runTorch(request: {
  threads: number;
  gemm: [number, number, number][];
  minTime: number;
  bert?: BertConfig & { batch: number; seq: number; steps: number };
}): TorchResults | null {
  const python = findTorchPython();
  if (!python) {
    console.log('PyTorch: not found (apt-get install -y python3-torch libopenblas0-pthread); its columns are left empty');
    return null;
  }
  const r = spawnSync(python, [script], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    console.error(`PyTorch reference failed (exit ${r.status}):\n${r.stderr}`);
    return null;
  }
  return { ...(JSON.parse(r.stdout) as Omit<TorchResults, 'python'>), python };
}
