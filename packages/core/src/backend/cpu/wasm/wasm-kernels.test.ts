/**
 * The WASM kernels against the TypeScript reference, op by op, on awkward shapes: lengths that
 * are not multiples of the SIMD width or the GEMM tiles, transposed, sliced and broadcast views,
 * batches, zero sizes, and IEEE special values. Each case runs once per kernel mode and the two
 * results are compared (the reference computes in float64 and rounds, so agreement is to f32
 * rounding, not bit-exact).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { expectClose } from '../../../../../../test-utils/close';
import * as g from '../../../index';

const gen = new g.Generator(3);
const rand = (shape: number[], scale = 1) => g.mul(g.randn(shape, { generator: gen }), scale);
const hasWasm = (await g.initCpu({ kernels: 'wasm' })).simd;
if (process.env.GRAFT_CPU_KERNELS === 'scalar') g.setCpuKernels('scalar');

/** Runs `fn` with the TypeScript kernels and with the WASM kernels; returns both results. */
function both(fn: () => g.Tensor): [Float32Array, Float32Array] {
  const run = (mode: g.CpuKernelMode) => {
    g.setCpuKernels(mode);
    return g.scope(() => fn().dataSync() as Float32Array);
  };
  const ref = run('scalar');
  const fast = run('wasm');
  return [fast, ref];
}

/** Compares the two modes on `fn(...inputs)`; inputs are made once so both modes see the same data. */
function agree<T extends g.Tensor[]>(inputs: T, fn: (...xs: T) => g.Tensor, tol: { atol?: number; rtol?: number } = {}) {
  const [fast, ref] = both(() => fn(...inputs));
  expectClose(fast, ref, { atol: 1e-6, rtol: 1e-5, ...tol });
}

afterAll(() => {
  g.setCpuKernels(process.env.GRAFT_CPU_KERNELS === 'scalar' ? 'scalar' : 'wasm');
  g.setCpuThreads(2);
});

describe.skipIf(!hasWasm)('WASM kernels agree with the TypeScript reference', () => {
  it('the default mode follows GRAFT_CPU_KERNELS', () => {
    g.setCpuKernels(process.env.GRAFT_CPU_KERNELS === 'scalar' ? 'scalar' : 'wasm');
    expect(g.cpuInfo().kernels).toBe(process.env.GRAFT_CPU_KERNELS === 'scalar' ? 'scalar' : 'wasm');
  });

  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 7],
    [4, 8, 8],
    [5, 9, 17],
    [33, 257, 19],
    [130, 300, 77],
    [64, 1, 40],
  ];
  it.each(shapes)('matmul %i×%i @ %i×… in all four transpose variants', (m, k, n) => {
    const tol = { atol: 1e-5 * Math.sqrt(k), rtol: 1e-5 };
    const a = rand([m, k]);
    const b = rand([k, n]);
    const at = rand([k, m]);
    const bt = rand([n, k]);
    agree([a, b], g.matmul, tol);
    agree([at.transpose(0, 1), b], g.matmul, tol);
    agree([a, bt.transpose(0, 1)], g.matmul, tol);
    agree([at.transpose(0, 1), bt.transpose(0, 1)], g.matmul, tol);
  });

  it('batched matmul: distinct and broadcast B, sliced views, folded batch rows', () => {
    const tol = { atol: 1e-4, rtol: 1e-5 };
    agree([rand([3, 2, 13, 21]), rand([3, 2, 21, 6])], g.matmul, tol);
    agree([rand([4, 17, 33]), rand([33, 9])], g.matmul, tol);
    agree([rand([4, 17, 33]), rand([9, 33]).transpose(0, 1)], g.matmul, tol);
    agree([g.narrow(rand([4, 20, 40]), 2, 3, 30), g.narrow(rand([30, 50]), 1, 5, 11)], g.matmul, tol);
    agree([rand([5, 7, 6]).transpose(1, 2), rand([5, 7, 3])], g.matmul, tol);
    agree([rand([2, 1, 9, 4]), rand([1, 3, 4, 5])], g.matmul, tol);
    // a batch of products with a B each: tasks pack their own B columns, also split by column
    // blocks when two threads share two batches
    agree([rand([2, 32, 130]), rand([2, 128, 130]).transpose(1, 2)], g.matmul, { atol: 1e-5 * Math.sqrt(130), rtol: 1e-5 });
    agree([rand([6, 13, 21]), rand([6, 21, 18])], g.matmul, tol);
  });

  it('matmul with an empty dim gives zeros or an empty result', () => {
    agree([rand([3, 0]), rand([0, 4])], g.matmul);
    expect(g.matmul(rand([0, 3]), rand([3, 4])).shape).toEqual([0, 4]);
  });

  const binOps = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const;
  it.each(binOps)('%s: dense, scalar, row, column and 3-level broadcast, transposed, rank 4', (op) => {
    const f = g[op] as (a: g.Tensor | number, b: g.Tensor | number) => g.Tensor;
    agree([rand([37]), rand([37])], f);
    agree([rand([5, 9])], (x) => f(x, 1.5));
    agree([rand([5, 9])], (x) => f(2.5, x));
    agree([rand([6, 11]), rand([11])], f);
    agree([rand([6, 11]), rand([6, 1])], f);
    agree([rand([3, 1, 7]), rand([1, 5, 7])], f);
    agree([rand([2, 4, 6, 5]), rand([2, 1, 1, 5])], f);
    agree([rand([9, 7]).transpose(0, 1), rand([7, 9])], f);
    agree([g.tensor([NaN, 1, -0, 0, Infinity, -Infinity, 3], { dtype: 'float32' }), g.tensor([1, NaN, 0, -0, 1, Infinity, 0], { dtype: 'float32' })], f);
  });

  const special = [
    0,
    -0,
    1e-40,
    -1e-40,
    1e-7,
    0.03,
    0.5,
    0.55,
    0.56,
    1,
    2,
    9.5,
    40,
    88,
    89,
    100,
    1e30,
    -1e-7,
    -0.3,
    -1,
    -5,
    -87,
    -100,
    -104,
    -200,
    Infinity,
    -Infinity,
    NaN,
  ];
  const unOps = ['neg', 'abs', 'sqrt', 'exp', 'log', 'tanh', 'sigmoid', 'relu', 'erf', 'rsqrt', 'reciprocal'] as const;
  it.each(unOps)('%s on odd lengths, strided rows and special values', (op) => {
    const f = (g as unknown as Record<string, (x: g.Tensor) => g.Tensor>)[op];
    agree([rand([1027], 3)], f, { atol: 2e-7, rtol: 3e-6 });
    agree([g.narrow(rand([6, 13], 3), 1, 1, 10)], f, { atol: 2e-7, rtol: 3e-6 });
    agree([g.tensor(special, { dtype: 'float32' })], f, { atol: 1e-38, rtol: 3e-6 });
    agree([g.linspace(-12, 12, 4001, { dtype: 'float32' })], f, { atol: 2e-7, rtol: 3e-6 });
  });

  it.each(['sum', 'max', 'min'] as const)('%s over trailing, leading, middle and all dims', (op) => {
    const f = g[op] as (x: g.Tensor, axis?: number | number[]) => g.Tensor;
    const x = rand([6, 7, 9]);
    for (const axis of [-1, 0, 1, [0, 1], [1, 2], undefined] as (number | number[] | undefined)[]) agree([x], (t) => f(t, axis), { atol: 1e-5 });
    agree([x.transpose(0, 2)], (t) => f(t, -1), { atol: 1e-5 });
    // leading and middle axes over kept widths that take the 16-, 4- and 1-column loops
    agree([rand([3, 5, 40])], (t) => f(t, 1), { atol: 1e-5 });
    agree([rand([37, 35])], (t) => f(t, 0), { atol: 1e-5 });
    const withNaN = g.tensor(
      [
        [1, NaN, 3],
        [4, 5, 6],
      ],
      { dtype: 'float32' },
    );
    agree([withNaN], (t) => f(t, -1));
    agree([withNaN], (t) => f(t, 0));
  });

  it('contiguous copies of permuted, sliced and broadcast views, a row at a time', () => {
    const x = rand([3, 5, 2, 7]);
    agree([x], (t) => g.permute(t, [0, 2, 1, 3]).contiguous());
    agree([x], (t) => g.narrow(g.permute(t, [2, 0, 1, 3]), 3, 1, 5).contiguous());
    agree([x], (t) => g.expand(g.narrow(t, 1, 2, 1), [3, 4, 2, 7]).contiguous());
    agree([rand([4, 3, 1030])], (t) => g.transpose(t, 0, 1).contiguous());
    const ids = g.randint(-9, 9, [4, 6, 5], { generator: gen });
    g.setCpuKernels('wasm');
    expect(g.transpose(ids, 0, 1).contiguous().arraySync()).toEqual(g.transpose(ids, 0, 1).arraySync());
  });

  it('softmax and logSoftmax on odd rows, strided rows, -inf rows', () => {
    for (const fn of [g.softmax, g.logSoftmax]) {
      agree([rand([7, 13], 4)], (x) => fn(x, -1), { atol: 1e-6 });
      agree([g.narrow(rand([5, 40], 4), 1, 2, 33)], (x) => fn(x, -1), { atol: 1e-6 });
      agree([rand([3, 5, 6])], (x) => fn(x, 1), { atol: 1e-6 });
      // rows spanning hundreds: x − max crosses the exp's flush-to-zero bound (−87.3); logSoftmax
      // values there are about as large, so f32 spacing (1.5e-5 near 200) sets its tolerance
      agree([rand([9, 67], 60)], (x) => fn(x, -1), { atol: fn === g.softmax ? 1e-6 : 3e-5 });
      agree([rand([16, 256], 2)], (x) => fn(x, -1), { atol: 1e-7, rtol: 2e-6 });
      agree(
        [
          g.tensor(
            [
              [-Infinity, -Infinity, -Infinity],
              [0, -Infinity, 1],
            ],
            { dtype: 'float32' },
          ),
        ],
        (x) => fn(x, -1),
      );
    }
  });

  it('layerNorm, gelu (both forms), AdamW and attention', () => {
    const x = rand([9, 37], 2);
    const [w, b] = [rand([37]), rand([37])];
    agree([x, w, b], (t, ww, bb) => g.layerNorm(t, [37], ww, bb), { atol: 1e-5 });
    agree([rand([2, 3, 5, 6]), rand([5, 6]), rand([5, 6])], (t, ww, bb) => g.layerNorm(t, [5, 6], ww, bb), { atol: 1e-5 });
    agree([rand([1001], 4)], (t) => g.gelu(t, 'none'), { atol: 1e-6 });
    agree([rand([1001], 4)], (t) => g.gelu(t, 'tanh'), { atol: 1e-6 });
    // exact GELU takes a rational erf where every lane of a vector has |x| < 2√2 and the erfc
    // form elsewhere: a fine sweep crosses that bound in every lane position, and the far left
    // tail (below -2√2, tiny negative outputs) keeps its relative accuracy, down to -6 where the
    // float64 reference's own 1 + erf still has it
    const sweep = g.linspace(-12, 12, 4003, { dtype: 'float32' });
    agree([sweep], (t) => g.gelu(t, 'none'), { atol: 5e-7, rtol: 2e-6 });
    agree([g.linspace(-6, -2.9, 997, { dtype: 'float32' })], (t) => g.gelu(t, 'none'), { atol: 1e-30, rtol: 2e-5 });
    const geluGrad = (t: g.Tensor) => {
      const x = t.detach().requiresGrad_();
      g.gelu(x, 'none').backward(g.onesLike(x));
      return x.grad!;
    };
    agree([sweep], geluGrad, { atol: 5e-7, rtol: 2e-6 });
    const [p, gr, m, v] = [rand([1003]), rand([1003]), rand([1003]), g.abs(rand([1003]))];
    const h = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step: 5 };
    for (const k of ['param', 'expAvg', 'expAvgSq'] as const) agree([p, gr, m, v], (...t) => g.adamwUpdate(t[0], t[1], t[2], t[3], h)[k], { atol: 1e-6 });
    const [q, kk, vv] = [rand([2, 3, 7, 8]), rand([2, 3, 9, 8]), rand([2, 3, 9, 5])];
    agree([q, kk, vv], (a, c, d) => g.scaledDotProductAttention(a, c, d), { atol: 1e-5 });
    agree([q, kk, vv], (a, c, d) => g.scaledDotProductAttention(a, c, d, { causal: true }), { atol: 1e-5 });
    const mask = g.where(g.lt(rand([2, 1, 1, 9]), 0), -1e9, 0).cast('float32');
    agree([q, kk, vv, mask], (a, c, d, e) => g.scaledDotProductAttention(a, c, d, { mask: e }), { atol: 1e-5 });
  });
});

describe.skipIf(!hasWasm)('WASM kernels on several threads', () => {
  it('give bit-identical results with 1 and 2 threads (GEMM, elementwise, rows)', async () => {
    g.setCpuKernels('wasm');
    const a = rand([300, 200]);
    const b = rand([200, 260]);
    const big = rand([1 << 18]);
    const rows = rand([512, 300]);
    const [ba, bb] = [rand([2, 32, 130]), rand([2, 130, 128])];
    const run = () =>
      [
        g.matmul(a, b),
        g.matmul(a.transpose(0, 1).contiguous().transpose(0, 1), b),
        g.matmul(ba, bb),
        g.add(big, 1.5),
        g.exp(big),
        g.softmax(rows, -1),
        g.sum(rows, -1),
      ].map((t) => t.dataSync());
    g.setCpuThreads(1);
    const one = g.scope(run);
    g.setCpuThreads(2);
    run(); // starts the workers
    for (let i = 0; i < 50 && g.cpuInfo().workersReady < 1; i++) await new Promise((r) => setTimeout(r, 20));
    expect(g.cpuInfo().workersReady).toBeGreaterThanOrEqual(1);
    const two = g.scope(run);
    two.forEach((t, i) => expect(Array.from(t), `result ${i}`).toEqual(Array.from(one[i])));
  });
});
