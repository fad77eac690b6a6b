import { describe, expect, it } from 'vitest';
import { BackendRegistry, cpuBackend, cpuKernels, getBackend, MissingKernelError, registerBackend, backends, setBackend, tensor, type Backend } from '../index';

/** A backend that holds CPU arrays but implements only `binary`: enough to see dispatch and errors. */
function partialBackend(name: string): Backend {
  const cpu = cpuBackend();
  return { ...cpu, name, kernels: { binary: cpuKernels.binary } };
}

describe('backend registry', () => {
  it('fails loudly, naming the op and the backend, when a kernel is missing', () => {
    registerBackend(partialBackend('partial'));
    try {
      const a = tensor([1, 2], { dtype: 'float32', device: 'partial' });
      expect(a.device).toBe('partial');
      expect(a.add(a).arraySync()).toEqual([2, 4]);
      let err: unknown;
      try {
        a.exp();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(MissingKernelError);
      expect(err).toMatchObject({ op: 'unary', backend: 'partial', calledAs: 'exp' });
      expect((err as MissingKernelError).message).toBe(
        "backend 'partial' has no kernel for 'exp' (kernel 'unary'): register one with registerKernel('partial', 'unary', kernel), or move the tensors to a backend that has it with .to(device)",
      );
      expect(() => a.add(tensor([1, 2], { dtype: 'float32' }))).toThrow(/^add\(\) got tensors on different devices \(partial, cpu\)/);
    } finally {
      backends.unregister('partial');
    }
  });

  it('chooses the default backend by setBackend, then by priority', () => {
    const reg = new BackendRegistry();
    reg.register(cpuBackend());
    reg.register(partialBackend('fast'), { priority: 10 });
    expect(reg.default().name).toBe('fast');
    reg.setDefault('cpu');
    expect(reg.default().name).toBe('cpu');
    expect(() => reg.setDefault('nope')).toThrow(/no backend named 'nope'/);
    expect(() => reg.register(cpuBackend())).toThrow(/already registered/);
    setBackend('cpu');
    expect(getBackend().name).toBe('cpu');
  });

  it('creates a lazily registered backend on first use, and only then', () => {
    const reg = new BackendRegistry();
    let created = 0;
    reg.registerLazy('later', () => (created++, partialBackend('later')), { priority: 1 });
    reg.register(partialBackend('now'));
    expect([reg.has('later'), reg.isStarted('later'), reg.isStarted('now')]).toEqual([true, false, true]);
    reg.setDefault('later');
    expect(reg.defaultName()).toBe('later');
    expect(created).toBe(0);
    expect(reg.default().name).toBe('later');
    expect(reg.get('later')).toBe(reg.default());
    expect([created, reg.isStarted('later')]).toEqual([1, true]);
    reg.registerLazy('never', () => (created++, partialBackend('never')));
    reg.unregister('never');
    expect(created).toBe(1);
    reg.registerLazy('misnamed', () => partialBackend('other'));
    expect(() => reg.get('misnamed')).toThrow(/created with the name 'other'/);
  });

  it('lets plugins replace a kernel', () => {
    registerBackend(partialBackend('plugin'));
    try {
      backends.registerKernel('plugin', 'unary', cpuKernels.unary);
      expect(tensor([0], { dtype: 'float32', device: 'plugin' }).exp().arraySync()).toEqual([1]);
    } finally {
      backends.unregister('plugin');
    }
  });
});
