import { GraftError, memory, randn, scope, tensor, type Tensor } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { Linear } from '../layers/linear';
import { LayerNorm } from '../layers/normalization';
import { ReLU } from '../layers/activations';
import { ModulePathError, StateDictKeyError, StateDictShapeError } from '../errors';
import { Sequential, ModuleList, ModuleDict } from './containers';
import { functionalCall } from './functional-call';
import { Module } from './module';
import { Parameter } from './parameter';

class Block extends Module {
  attention = new Linear(4, 4);
  norm = new LayerNorm(4);
  constructor() {
    super();
    this.registerBuffer('position_ids', tensor([0, 1, 2, 3], { dtype: 'int32' }));
    this.registerBuffer('cache', tensor([1, 2], { dtype: 'float32' }), { persistent: false });
  }
  forward(x: Tensor): Tensor {
    return this.norm.call(this.attention.call(x));
  }
}

class Encoder extends Module {
  layer = [new Block(), new Block()];
  head = new Linear(4, 2, { bias: false });
  forward(x: Tensor): Tensor {
    let h = x;
    for (const b of this.layer) h = b.call(h);
    return this.head.call(h);
  }
}

describe('Module discovery', () => {
  it('finds parameters and submodules by field, arrays as 0, 1, … (HF-style dotted keys)', () => {
    const m = new Encoder();
    expect([...m.namedParameters()].map(([k]) => k)).toEqual([
      'layer.0.attention.weight',
      'layer.0.attention.bias',
      'layer.0.norm.weight',
      'layer.0.norm.bias',
      'layer.1.attention.weight',
      'layer.1.attention.bias',
      'layer.1.norm.weight',
      'layer.1.norm.bias',
      'head.weight',
    ]);
    expect([...m.namedModules()].map(([k]) => k)).toEqual([
      '',
      'layer.0',
      'layer.0.attention',
      'layer.0.norm',
      'layer.1',
      'layer.1.attention',
      'layer.1.norm',
      'head',
    ]);
    expect([...m.namedBuffers()].map(([k]) => k)).toEqual(['layer.0.position_ids', 'layer.0.cache', 'layer.1.position_ids', 'layer.1.cache']);
    expect(m.numParameters()).toBe(2 * (16 + 4 + 4 + 4) + 8);
    expect(m.parameters()[0]).toBeInstanceOf(Parameter);
    m.dispose();
  });

  it('lists a tied parameter once, but stores it under both keys in the state dict', () => {
    const m = new Encoder();
    m.layer[1].attention.weight = m.layer[0].attention.weight;
    expect(m.parameters().length).toBe(8);
    expect(Object.keys(m.stateDict())).toContain('layer.1.attention.weight');
    expect(m.stateDict()['layer.1.attention.weight']).toBe(m.stateDict()['layer.0.attention.weight']);
  });

  it('keeps parameters alive past scopes', () => {
    const m = scope(() => new Linear(3, 2));
    expect(m.weight.isDisposed).toBe(false);
    expect(m.call(tensor([[1, 2, 3]], { dtype: 'float32' })).shape).toEqual([1, 2]);
    const before = memory().tensors;
    m.dispose();
    expect(memory().tensors).toBe(before - 2);
  });

  it('switches train/eval recursively and freezes subtrees', () => {
    const m = new Encoder();
    m.eval();
    expect([...m.modules()].every((x) => !x.training)).toBe(true);
    m.train();
    expect(m.layer[1].norm.training).toBe(true);
    m.layer[0].requiresGrad_(false);
    expect(m.numParameters({ trainableOnly: true })).toBe(28 + 8);
    expect(m.layer[0].attention.weight.requiresGrad).toBe(false);
  });

  it('gets and sets submodules by path, with typed errors for bad paths', () => {
    const m = new Encoder();
    expect(m.getSubmodule('layer.1.norm')).toBe(m.layer[1].norm);
    const replacement = new Linear(4, 4);
    m.setSubmodule('layer.1.attention', replacement);
    expect(m.layer[1].attention).toBe(replacement);
    expect(m.getParameter('layer.1.attention.weight')).toBe(replacement.weight);
    expect(() => m.getSubmodule('layer.7')).toThrow(ModulePathError);
    expect(() => m.getSubmodule('head.weight')).toThrow(/no submodule/);
    expect(() => m.setSubmodule('layer.0.nothing', new ReLU())).toThrow(ModulePathError);
  });

  it('runs forward hooks and pre-hooks until removed', () => {
    const m = new Linear(2, 2);
    const seen: unknown[] = [];
    const h = m.addForwardHook((_mod, [input], out) => {
      seen.push(input.arraySync());
      return out.mul(0).add(7);
    });
    const pre = m.addForwardPreHook((_mod, [x]) => [x.mul(2)]);
    const x = tensor([[1, 1]], { dtype: 'float32' });
    expect(m.call(x).arraySync()).toEqual([[7, 7]]);
    h.remove();
    pre.remove();
    expect(m.call(x).arraySync()).toEqual(m.forward(x).arraySync());
    expect(seen).toEqual([[[2, 2]]]);
  });

  it('apply visits children before parents', () => {
    const order: string[] = [];
    new Sequential(new Linear(2, 2), new ReLU()).apply((m) => order.push(m.constructor.name));
    expect(order).toEqual(['Linear', 'ReLU', 'Sequential']);
  });
});

describe('state dicts', () => {
  it('hold parameters and persistent buffers only', () => {
    const keys = Object.keys(new Block().stateDict());
    // PyTorch's order: own parameters and buffers first, then children
    expect(keys).toEqual(['position_ids', 'attention.weight', 'attention.bias', 'norm.weight', 'norm.bias']);
  });

  it('load into another module exactly, and report missing/unexpected when not strict', () => {
    const a = new Encoder();
    const b = new Encoder();
    expect(b.loadStateDict(a.stateDict())).toEqual({ missing: [], unexpected: [] });
    expect(b.head.weight.arraySync()).toEqual(a.head.weight.arraySync());
    const partial = { ...a.stateDict(), extra: tensor([1]) } as Record<string, Tensor>;
    delete partial['head.weight'];
    expect(b.loadStateDict(partial, { strict: false })).toEqual({ missing: ['head.weight'], unexpected: ['extra'] });
    const err = (() => {
      try {
        b.loadStateDict(partial);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(StateDictKeyError);
    expect((err as StateDictKeyError).missing).toEqual(['head.weight']);
    expect((err as StateDictKeyError).code).toBe('state_dict_keys');
  });

  it('reject wrong shapes naming the key and both shapes, loading nothing', () => {
    const m = new Encoder();
    const before = m.layer[0].attention.bias!.arraySync();
    const sd = { ...m.stateDict(), 'layer.0.attention.bias': randn([4]), 'head.weight': randn([3, 4]) };
    let err: unknown;
    try {
      m.loadStateDict(sd);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StateDictShapeError);
    expect(err).toBeInstanceOf(GraftError);
    expect((err as StateDictShapeError).mismatches).toEqual([{ key: 'head.weight', expected: [2, 4], got: [3, 4] }]);
    expect((err as Error).message).toMatch(/head\.weight: checkpoint has \[3, 4\], module expects \[2, 4\]/);
    expect(m.layer[0].attention.bias!.arraySync()).toEqual(before);
  });

  it('rename keys with mapKey and cast dtypes on load', () => {
    const m = new Linear(2, 1);
    const sd = new Map([
      ['fc.weight', tensor([[1, 2]], { dtype: 'float64' })],
      ['fc.bias', tensor([0.5], { dtype: 'float64' })],
    ]);
    m.loadStateDict(sd, { mapKey: (k) => k.replace(/^fc\./, '') });
    expect(m.weight.dtype).toBe('float32');
    expect(m.weight.arraySync()).toEqual([[1, 2]]);
  });
});

describe('containers and functionalCall', () => {
  it('Sequential chains stages with keys 0, 1, … and ModuleList/ModuleDict hold modules', () => {
    const s = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
    expect(Object.keys(s.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(s.call(randn([5, 3])).shape).toEqual([5, 2]);
    expect(s.length).toBe(3);
    const list = new ModuleList([new Linear(2, 2), new Linear(2, 2)]);
    expect([...list].length).toBe(2);
    expect(list.at(-1)).toBe(list.at(1));
    expect(() => list.forward()).toThrow(/no forward/);
    const dict = new ModuleDict<Module<[Tensor], Tensor>>({ cls: new Linear(2, 3), reg: new Linear(2, 1) });
    expect(dict.keys()).toEqual(['cls', 'reg']);
    expect(Object.keys(dict.stateDict())).toEqual(['cls.weight', 'cls.bias', 'reg.weight', 'reg.bias']);
    expect(() => dict.set('call', new ReLU())).toThrow(ModulePathError);
    expect(dict.delete('cls')).toBe(true);
    expect(dict.delete('cls')).toBe(false);
    expect(dict.keys()).toEqual(['reg']);
    expect(Object.keys(dict.stateDict())).toEqual(['reg.weight', 'reg.bias']);
  });

  it('functionalCall swaps parameters for the call and restores them', () => {
    const m = new Linear(2, 1, { bias: false });
    const w = tensor([[1, 1]], { dtype: 'float32' });
    const y = functionalCall(m, { weight: w }, () => m.call(tensor([[2, 3]], { dtype: 'float32' })));
    expect(y.arraySync()).toEqual([[5]]);
    expect(m.weight).toBeInstanceOf(Parameter);
    expect(() => functionalCall(m, { nope: w }, () => 0)).toThrow(ModulePathError);
  });
});
