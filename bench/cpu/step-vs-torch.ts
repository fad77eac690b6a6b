/**
 * The bert-tiny training step (batch 32 × 128; forward, cross-entropy, backward, AdamW) on the
 * CPU backend against PyTorch's twin, by wall time, CPU time and peak memory. Each engine runs
 * in a fresh process of its own (so the peak resident memory is the step's, not a benchmark
 * suite's), in interleaved rounds with the order alternating, so that load from other
 * processes falls on both alike; CPU time per step (all threads) is the figure least moved by
 * that load. PyTorch gets OPENBLAS_NUM_THREADS and OMP_NUM_THREADS as well as
 * torch.set_num_threads.
 *
 *   nice node --conditions=@graft/source --import tsx bench/cpu/step-vs-torch.ts [threads] [rounds] [steps]
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as g from '@graft/core';
import { table } from '../harness';
import { BERT_TINY, bertTrainer } from './bert-step';
import { runTorch } from './torch';

interface EngineRun {
  /** Median seconds per step: wall and CPU (every thread of the process). */
  wall: number;
  cpu: number;
  /** Resident bytes before the model was built, and the process's peak. */
  rss: number;
  maxRss: number;
  firstLoss: number;
  /** Graft only: bytes of the WASM heap (it never shrinks, so this is its high-water mark). */
  heap?: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The child: one engine's steps in this process, printed as JSON. */
async function graftChild(threads: number, steps: number): Promise<EngineRun> {
  await g.initCpu({ threads });
  const rss = process.memoryUsage().rss;
  const trainer = bertTrainer(BERT_TINY, 32, 128);
  const firstLoss = trainer.step();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < steps; i++) {
    const [t0, c0] = [performance.now(), process.cpuUsage()];
    trainer.step();
    const c = process.cpuUsage(c0);
    wall.push((performance.now() - t0) / 1000);
    cpu.push((c.user + c.system) / 1e6);
  }
  return { wall: median(wall), cpu: median(cpu), rss, maxRss: process.resourceUsage().maxRSS * 1024, firstLoss, heap: g.cpuInfo().heapBytes };
}

function graftRun(threads: number, steps: number): EngineRun {
  const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', String(threads), String(steps)], {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  if (r.status !== 0) throw new Error(`graft child failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as EngineRun;
}

function torchRun(threads: number, steps: number): EngineRun | null {
  const t = runTorch({ threads, gemm: [], minTime: 0, bert: { ...BERT_TINY, batch: 32, seq: 128, steps } });
  if (!t?.bert) return null;
  return { wall: t.bert.median, cpu: t.bert.cpu, rss: t.bert.rss, maxRss: t.bert.maxRss, firstLoss: t.bert.firstLoss };
}

async function main() {
  if (process.argv[2] === '--child') {
    console.log(JSON.stringify(await graftChild(Number(process.argv[3]), Number(process.argv[4]))));
    return;
  }
  const threads = Number(process.argv[2] ?? 2);
  const rounds = Number(process.argv[3] ?? 3);
  const steps = Number(process.argv[4] ?? 3);
  const loads: number[] = [loadavg()[0]];
  const runs: { graft: EngineRun[]; torch: EngineRun[] } = { graft: [], torch: [] };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? (['graft', 'torch'] as const) : (['torch', 'graft'] as const);
    for (const engine of order) {
      const run = engine === 'graft' ? graftRun(threads, steps) : torchRun(threads, steps);
      if (run) runs[engine].push(run);
      loads.push(loadavg()[0]);
    }
  }
  const mib = (b: number) => b / 2 ** 20;
  console.log(
    `bert-tiny step, batch 32 x seq 128, ${threads} thread(s), ${rounds} rounds of ${steps} steps; 1-min load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`,
  );
  const row = (engine: string, rs: EngineRun[]) => ({
    engine,
    'wall s/step': median(rs.map((x) => x.wall)),
    'cpu s/step': median(rs.map((x) => x.cpu)),
    'peak RSS MiB': mib(median(rs.map((x) => x.maxRss))),
    'peak - start MiB': mib(median(rs.map((x) => x.maxRss - x.rss))),
    'WASM heap MiB': rs[0]?.heap ? mib(rs[0].heap) : '',
    'first loss': rs[0]?.firstLoss.toFixed(4) ?? '',
    'per-round cpu s': rs.map((x) => x.cpu.toFixed(3)).join(' '),
  });
  const rows = [row('graft', runs.graft)];
  if (runs.torch.length) {
    rows.push(row('PyTorch', runs.torch));
    const ratio = (k: 'wall' | 'cpu') => median(runs.torch.map((x) => x[k])) / median(runs.graft.map((x) => x[k]));
    console.log(`graft / PyTorch throughput: by wall time ${ratio('wall').toFixed(2)}, by CPU time ${ratio('cpu').toFixed(2)}`);
  }
  table(rows);
}

await main();
