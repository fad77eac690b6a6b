/**
 * f32 GEMM of the CPU backend against PyTorch (OpenBLAS) at 1024² and at the products a
 * bert-tiny training step runs (batch 32 × 128 = 4096 tokens, hidden 128, FFN 512, 2 heads of
 * 64): the forward `x·Wᵀ`, the backward `g·W` and `xᵀ·g`, and the batched attention products.
 * Rounds alternate the engines (Graft in this process, PyTorch in a child per round). Reported
 * per engine: GFLOP/s by wall time and by CPU time (all threads of the process), medians over the
 * rounds; with one thread, CPU time is the load-robust figure, and the ratio to the issue's
 * 128-bit ceiling (half of PyTorch's AVX2 rate) is graft / PyTorch ÷ 0.5.
 *
 *   nice node --conditions=@graft/source --import tsx bench/cpu/gemm-vs-torch.ts [threads] [rounds]
 */
import { loadavg } from 'node:os';
import * as g from '@graft/core';
import { table } from '../harness';
import { type Product, runTorch } from './torch';

const threads = Number(process.argv[2] ?? 1);
const rounds = Number(process.argv[3] ?? 3);

const PRODUCTS: (Product & { name: string })[] = [
  { name: '1024³', shape: [1024, 1024, 1024] },
  { name: 'x·Wᵀ FFN in', shape: [4096, 128, 512], tb: true },
  { name: 'x·Wᵀ FFN out', shape: [4096, 512, 128], tb: true },
  { name: 'x·Wᵀ attention proj.', shape: [4096, 128, 128], tb: true },
  { name: 'g·W (dx, FFN in)', shape: [4096, 512, 128] },
  { name: 'xᵀ·g (dW, FFN in)', shape: [512, 4096, 128], ta: true },
  { name: 'q·kᵀ per head', shape: [128, 64, 128], batch: 64, tb: true },
  { name: 'P·v per head', shape: [128, 128, 64], batch: 64 },
];

/** Median wall and CPU seconds of `fn` over calls filling about `minTime` seconds. */
function time(fn: () => void, minTime: number): { wall: number; cpu: number } {
  fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  const start = performance.now();
  while (wall.length < 3 || (performance.now() - start) / 1000 < minTime) {
    const [t0, c0] = [performance.now(), process.cpuUsage()];
    fn();
    const c = process.cpuUsage(c0);
    wall.push((performance.now() - t0) / 1000);
    cpu.push((c.user + c.system) / 1e6);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { wall: med(wall), cpu: med(cpu) };
}

function graftOperands(p: Product): [g.Tensor, g.Tensor] {
  const [m, k, n] = p.shape;
  const lead = p.batch ? [p.batch] : [];
  const gen = new g.Generator(7);
  const a = p.ta ? g.transpose(g.randn([...lead, k, m], { generator: gen }), -1, -2) : g.randn([...lead, m, k], { generator: gen });
  const b = p.tb ? g.transpose(g.randn([...lead, n, k], { generator: gen }), -1, -2) : g.randn([...lead, k, n], { generator: gen });
  return [a.keep(), b.keep()];
}

async function main() {
  const info = await g.initCpu({ threads });
  const operands = PRODUCTS.map(graftOperands);
  const flops = PRODUCTS.map((p) => 2 * p.shape[0] * p.shape[1] * p.shape[2] * (p.batch ?? 1));
  const graft: { wall: number; cpu: number }[][] = PRODUCTS.map(() => []);
  const torch: { wall: number; cpu: number }[][] = PRODUCTS.map(() => []);
  const loads = [loadavg()[0]];
  let version = '';
  for (let r = 0; r < rounds; r++) {
    PRODUCTS.forEach((_, i) => {
      const [a, b] = operands[i];
      graft[i].push(time(() => g.matmul(a, b).dispose(), 0.5));
    });
    const t = runTorch({ threads, gemm: [], products: PRODUCTS.map(({ name: _, ...p }) => p), minTime: 0.5 });
    t?.products?.forEach((p, i) => torch[i].push({ wall: p.median, cpu: p.cpu }));
    version = t ? `PyTorch ${t.torch}` : 'no PyTorch';
    loads.push(loadavg()[0]);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `f32 GEMM, graft (${info.threads} thread(s)) vs ${version} (${threads}); ${rounds} alternating rounds; 1-min load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`,
  );
  table(
    PRODUCTS.map((p, i) => {
      const gw = flops[i] / med(graft[i].map((x) => x.wall)) / 1e9;
      const gc = flops[i] / med(graft[i].map((x) => x.cpu)) / 1e9;
      const tw = torch[i].length ? flops[i] / med(torch[i].map((x) => x.wall)) / 1e9 : NaN;
      const tc = torch[i].length ? flops[i] / med(torch[i].map((x) => x.cpu)) / 1e9 : NaN;
      return {
        product: p.name,
        'M×K×N': `${p.batch ? `${p.batch}×` : ''}${p.shape.join('×')}`,
        'graft GFLOP/s wall': gw,
        'torch wall': tw,
        'ratio wall': gw / tw,
        'graft GFLOP/cpu-s': gc,
        'torch cpu': tc,
        'ratio cpu': gc / tc,
        'of 0.5 ceiling (cpu)': gc / tc / 0.5,
      };
    }),
  );
}

await main();
