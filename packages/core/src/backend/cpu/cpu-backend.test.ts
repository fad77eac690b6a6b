/**
 * cpuBackend(options) is a plain function of its options, and the process-wide backend's
 * settings (setCpuKernels, setCpuThreads, initCpu, cpuInfo) act on the registry's 'cpu'.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as g from '../../index';

const defaultMode: g.CpuKernelMode = process.env.GRAFT_CPU_KERNELS === 'scalar' ? 'scalar' : 'wasm';
afterAll(() => g.setCpuKernels(defaultMode));

describe('cpuBackend(options)', () => {
  it('takes its kernels, threads and name from its options', () => {
    const ts = g.cpuBackend({ kernels: 'scalar', threads: 3, name: 'cpu-ts' });
    expect(ts.name).toBe('cpu-ts');
    expect(ts.info()).toMatchObject({ started: true, kernels: 'scalar', simd: false, threads: 1 });
    g.registerBackend(ts);
    try {
      expect(g.tensor([1, 2], { device: 'cpu-ts' }).mul(3).arraySync()).toEqual([3, 6]);
      ts.setThreads(2);
      expect(() => ts.setThreads(0)).toThrow(g.ArgumentError);
    } finally {
      g.backends.unregister('cpu-ts');
    }
  });

  it('rejects options it does not know', () => {
    expect(() => g.cpuBackend({ kernels: 'gpu' as g.CpuKernelMode })).toThrow(/kernels must be 'wasm' or 'scalar'/);
    expect(() => g.cpuBackend({ threads: 0 })).toThrow(g.ArgumentError);
    expect(() => g.setCpuThreads(Number.NaN)).toThrow(/positive thread count/);
    expect(() => g.setCpuKernels('fast' as g.CpuKernelMode)).toThrow(g.ArgumentError);
  });

  it('switches kernels in place and keeps a kernel a plugin registered', () => {
    const b = g.cpuBackend({ kernels: 'scalar', name: 'cpu-switch' });
    const plugin: g.Kernel<'unary'> = (inputs, out, attrs) => g.cpuKernels.unary(inputs, out, attrs);
    b.kernels.unary = plugin;
    const before = b.kernels.binary;
    b.setKernels('wasm');
    expect(b.kernels.unary).toBe(plugin);
    if (b.info().simd) expect(b.kernels.binary).not.toBe(before);
    b.setKernels('scalar');
    expect(b.kernels.binary).toBe(before);
    b.dispose?.();
  });
});

describe('the process-wide CPU backend', () => {
  it('initCpu starts it with the options given and reports what runs', async () => {
    const info = await g.initCpu({ kernels: 'scalar' });
    expect(info).toMatchObject({ started: true, kernels: 'scalar', simd: false });
    expect(g.backends.isStarted('cpu')).toBe(true);
    g.setCpuKernels('wasm');
    expect(g.cpuInfo().kernels).toBe(g.cpuInfo().simd ? 'wasm' : 'scalar');
    expect((await g.initCpu()).started).toBe(true);
  });
});
