/**
 * A backend and a kernel as a plugin: a "tracing" backend that stores tensors as the CPU backend
 * does and counts the kernels every op runs (a profiler you can register), and a GELU kernel of
 * its own put in with `registerKernel`. Both use only @graft/core's public backend contract: a
 * `Backend` object, and kernels that receive strided views and write a dense output.
 *
 *   tsx docs/examples/plugins/tracing-backend.ts
 */
import {
  type Backend,
  cpuBackend,
  gelu,
  getBackend,
  type Kernel,
  type KernelTable,
  registerBackend,
  registerKernel,
  tensor,
  type TensorView,
} from '@graft/core';

// #region backend
/** A backend that keeps the CPU's storage and kernels and counts each kernel it runs, by op. */
export function tracingBackend(name = 'traced'): Backend & { counts: Map<string, number> } {
  const cpu = cpuBackend();
  const counts = new Map<string, number>();
  const kernels: KernelTable = {};
  for (const [op, kernel] of Object.entries(cpu.kernels)) {
    // a kernel is (inputs, out | outs, attrs) => void; the wrapper passes everything through
    (kernels as Record<string, unknown>)[op] = (inputs: TensorView[], out: TensorView & TensorView[], attrs: { op?: string }) => {
      const key = attrs?.op ? `${op}:${attrs.op}` : op;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      (kernel as (i: TensorView[], o: TensorView & TensorView[], a: unknown) => void)(inputs, out, attrs);
    };
  }
  return { ...cpu, name, kernels, counts };
}
// #endregion backend

// #region kernel
/**
 * A fused GELU for the tracing backend, written against the public contract: it reads its input
 * through the backend (`readSync`), walks the view's strides, and writes a dense output.
 */
export function geluKernel(backend: Backend): Kernel<'gelu'> {
  return ([x], out, { approximate }) => {
    const extent = x.shape.reduce((end, n, i) => end + (n - 1) * x.strides[i], x.offset) + 1;
    const xs = backend.readSync!(x.buffer, x.dtype, extent);
    const size = x.shape.reduce((a, b) => a * b, 1);
    const y = new Float32Array(size);
    const index = new Array<number>(x.shape.length).fill(0);
    for (let i = 0; i < size; i++) {
      const v = xs[index.reduce((at, k, axis) => at + k * x.strides[axis], x.offset)];
      y[i] = approximate === 'tanh' ? 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))) : 0.5 * v * (1 + erf(v / Math.SQRT2));
      for (let axis = index.length - 1; axis >= 0 && ++index[axis] === x.shape[axis]; axis--) index[axis] = 0;
    }
    backend.write(out.buffer, out.dtype, out.dtype === 'float64' ? Float64Array.from(y) : y);
  };
}

/** erf by Abramowitz and Stegun 7.1.26 (|error| < 1.5e-7, inside float32's tolerance). */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return Math.sign(x) * (1 - poly * Math.exp(-x * x));
}
// #endregion kernel

// #region use
/** Registers the backend and its kernel, runs GELU on it, and returns the result and the kernel counts. */
export function runOnTracingBackend(name = 'traced'): { values: number[]; counts: Map<string, number> } {
  const backend = tracingBackend(name);
  registerBackend(backend);
  registerKernel(name, 'gelu', geluKernel(getBackend(name)));
  const x = tensor([-2, -0.5, 0, 0.5, 2], { device: name });
  const values = Array.from(gelu(x.mul(2)).dataSync());
  return { values, counts: backend.counts };
}
// #endregion use

if (typeof process !== 'undefined' && import.meta.url === `file://${process.argv[1]}`) {
  const { values, counts } = runOnTracingBackend();
  console.log('gelu(2x) =', values.map((v) => v.toFixed(4)).join(' '));
  console.log('kernels run:', Object.fromEntries(counts));
}
