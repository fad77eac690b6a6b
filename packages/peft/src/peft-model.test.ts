/**
 * The PeftModel API: several named adapters on one model, switching and combining them,
 * disabling adapters for a block of code (sync, async, throwing), merging (safe and not),
 * deleting, unloading back to the plain base model, PEFT's printed counts, and typed errors.
 */
import { noGrad, type Tensor, tensor } from '@graft/core';
import { Linear } from '@graft/nn';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../../../test-utils/close';
import { TinyNet, tinyBatch } from '../../../test-utils/peft/tiny';
import { thrown } from '../../../test-utils/thrown';
import { PeftAdapterError } from './errors';
import type { LoraLinear } from './lora/linear';
import { formatTrainableParameters, groupThousands } from './parameter-counts';
import { getPeftModel, PeftModel } from './peft-model';
import { AdapterLayer } from './tuners/adapter-layer';
import { ModulesToSaveWrapper } from './tuners/modules-to-save';

const quiet = { warn: () => {} };
const data = (t: Tensor) => Array.from(t.dataSync());
const lora = { peft_type: 'LORA', target_modules: ['proj', 'out'], r: 2, modules_to_save: ['classifier'] } as const;

/** A PeftModel on TinyNet whose adapter is not the identity (B set), and the base logits. */
function setup(seed = 0) {
  const model = new TinyNet(seed);
  const batch = tinyBatch();
  const base = data(model.call(batch).logits);
  const peft = getPeftModel(model, lora, quiet);
  randomizeB(peft, 'default', 0.3);
  return { peft, batch, base };
}

function randomizeB(peft: PeftModel, adapter: string, scale: number) {
  for (const [, layer] of peft.base_model.adapterLayers()) {
    const b = (layer as LoraLinear).lora_B.get(adapter)?.weight;
    if (b)
      noGrad(() =>
        b.assign(
          tensor(
            Array.from({ length: b.size }, (_, i) => scale * Math.cos(i)),
            { shape: b.shape },
          ),
        ),
      );
  }
}

describe('several adapters', () => {
  it('adds inactive, switches, combines, and freezes the inactive ones', () => {
    const { peft, batch } = setup();
    const one = data(peft.call(batch).logits);
    peft.addAdapter('two', { ...lora, r: 3 });
    expect(peft.activeAdapters).toEqual(['default']);
    randomizeB(peft, 'two', -0.2);
    expect(data(peft.call(batch).logits)).toEqual(one);
    const grads = (name: string) => [...peft.namedParameters()].filter(([k, p]) => k.includes(`.${name}.`) && p.requiresGrad).length;
    expect([grads('default'), grads('two')]).toEqual([6, 0]);
    peft.setAdapter('two');
    expect(peft.activeAdapter).toBe('two');
    expect([grads('default'), grads('two')]).toEqual([0, 6]);
    const two = data(peft.call(batch).logits);
    expect(two).not.toEqual(one);
    // PEFT runs one modules_to_save copy at a time, so combining adapters needs adapters without them
    expect(thrown(() => peft.setAdapter(['default', 'two']), PeftAdapterError).code).toBe('peft_adapter_active');
    const plain = getPeftModel(new TinyNet(), { ...lora, modules_to_save: null }, quiet);
    plain.addAdapter('two', { ...lora, modules_to_save: null });
    randomizeB(plain, 'default', 0.3);
    randomizeB(plain, 'two', -0.2);
    const alone = data(plain.call(batch).logits);
    plain.setAdapter(['default', 'two']);
    expect(data(plain.call(batch).logits)).not.toEqual(alone);
    expect(plain.activeAdapters).toEqual(['default', 'two']);
    expect(Object.keys(peft.peftConfig)).toEqual(['default', 'two']);
    expect(thrown(() => peft.setAdapter('three'), PeftAdapterError).code).toBe('peft_adapter_unknown');
  });

  it('deletes adapters and their weights; the active one falls back to the remaining', () => {
    const warnings: string[] = [];
    const peft = getPeftModel(new TinyNet(), lora, { warn: (m) => warnings.push(m) });
    peft.addAdapter('two', lora);
    const twoWeights = [...peft.namedParameters()].filter(([k]) => k.includes('.two')).map(([, p]) => p);
    peft.deleteAdapter('default');
    expect(peft.activeAdapters).toEqual(['two']);
    expect(warnings.at(-1)).toMatch(/Setting active adapter to two/);
    expect([...peft.namedParameters()].some(([k]) => k.includes('.default'))).toBe(false);
    peft.deleteAdapter('two');
    expect(twoWeights.every((p) => p.isDisposed)).toBe(true);
    expect([...peft.getBaseModel().namedModules()].some(([, m]) => m instanceof AdapterLayer || m instanceof ModulesToSaveWrapper)).toBe(false);
  });

  it('refuses a second method, a taken or unusable name, and two adapters with biases', () => {
    const peft = getPeftModel(new TinyNet(), { ...lora, bias: 'all' }, quiet);
    expect(thrown(() => peft.addAdapter('x', { peft_type: 'IA3', target_modules: ['proj'], feedforward_modules: [] }), PeftAdapterError).code).toBe(
      'peft_adapter_type_mismatch',
    );
    expect(thrown(() => peft.addAdapter('default', lora), PeftAdapterError).code).toBe('peft_adapter_exists');
    for (const bad of ['', 'a.b', 'a/b', 'forward', 'training'])
      expect(thrown(() => peft.addAdapter(bad, lora), PeftAdapterError).code).toBe('peft_adapter_name');
    expect(thrown(() => peft.addAdapter('biased', { ...lora, bias: 'lora_only' }), PeftAdapterError).code).toBe('peft_adapter_bias');
    expect(thrown(() => getPeftModel(peft as never, lora), PeftAdapterError).code).toBe('peft_adapter_exists');
  });
});

describe('disabling adapters', () => {
  it('gives the base model exactly, and restores the state afterwards (sync, throwing, async)', async () => {
    const { peft, batch, base } = setup();
    const adapted = data(peft.call(batch).logits);
    expect(peft.withAdaptersDisabled(() => data(peft.call(batch).logits))).toEqual(base);
    expect(data(peft.call(batch).logits)).toEqual(adapted);
    expect(() =>
      peft.withAdaptersDisabled(() => {
        throw new Error('inside');
      }),
    ).toThrow('inside');
    expect(peft.adaptersDisabled).toBe(false);
    const later = await peft.withAdaptersDisabled(async () => {
      await new Promise((r) => setTimeout(r, 1));
      return data(peft.call(batch).logits);
    });
    expect(later).toEqual(base);
    expect(data(peft.call(batch).logits)).toEqual(adapted);
    peft.disableAdapters();
    peft.withAdaptersDisabled(() => 0);
    expect(peft.adaptersDisabled).toBe(true);
    // an adapter added while disabled is disabled too
    peft.addAdapter('later', lora);
    peft.setAdapter('later');
    randomizeB(peft, 'later', 0.5);
    expect(data(peft.call(batch).logits)).toEqual(base);
    peft.enableAdapters();
    expect(data(peft.call(batch).logits)).not.toEqual(base);
  });
});

describe('merging', () => {
  it('merged equals unmerged; unmerge restores the weights; disabling a merged model unmerges it', () => {
    const { peft, batch, base } = setup();
    const proj = peft.getBaseModel().proj as unknown as LoraLinear;
    const w = data(proj.base_layer.weight);
    const adapted = data(peft.call(batch).logits);
    peft.merge();
    expect(proj.mergedAdapters).toEqual(['default']);
    expectClose(data(peft.call(batch).logits), adapted, { atol: 1e-5 });
    peft.unmerge();
    expectClose(data(proj.base_layer.weight), w, { atol: 1e-6 });
    peft.merge();
    expectClose(
      peft.withAdaptersDisabled(() => data(peft.call(batch).logits)),
      base,
      { atol: 1e-5 },
    );
    expect(proj.merged).toBe(false);
  });

  it('safe merge refuses NaN weights and changes nothing (sync and async)', async () => {
    const { peft } = setup();
    const proj = peft.getBaseModel().proj as unknown as LoraLinear;
    const w = data(proj.base_layer.weight);
    noGrad(() => proj.lora_B.get('default')!.weight.assign(tensor(Array(16).fill(Number.NaN), { shape: [8, 2] })));
    expect(thrown(() => peft.merge({ safeMerge: true }), PeftAdapterError).code).toBe('peft_merge_nonfinite');
    expect(data(proj.base_layer.weight)).toEqual(w);
    const err = await peft.mergeAsync({ safeMerge: true }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'peft_merge_nonfinite', adapter: 'default' });
    expect(data(proj.base_layer.weight)).toEqual(w);
    expect(proj.merged).toBe(false);
  });

  it('a merged adapter cannot be deleted; switching adapters unmerges first', () => {
    const warnings: string[] = [];
    const peft = getPeftModel(new TinyNet(), lora, { warn: (m) => warnings.push(m) });
    peft.addAdapter('two', lora);
    peft.merge();
    expect(thrown(() => peft.deleteAdapter('default'), PeftAdapterError).code).toBe('peft_adapter_merged');
    peft.setAdapter('two');
    expect(warnings).toContain('Adapter cannot be set when the model is merged. Unmerging the model first.');
    peft.deleteAdapter('default');
  });
});

describe('unloading', () => {
  it('mergeAndUnload returns the base model with its own module types, merged weights and trained modules_to_save', () => {
    const { peft, batch } = setup();
    const copy = peft.getBaseModel().classifier as unknown as ModulesToSaveWrapper;
    noGrad(() =>
      copy.modules_to_save
        .get('default')!
        .stateDict()
        .bias.assign(tensor([1, -1, 0.5])),
    );
    const adapted = data(peft.call(batch).logits);
    const loraWeights = [...peft.namedParameters()].filter(([k]) => k.includes('lora_')).map(([, p]) => p);
    const model = peft.mergeAndUnload();
    expect(model).toBeInstanceOf(TinyNet);
    expect([model.proj, model.out, model.classifier].every((m) => m instanceof Linear)).toBe(true);
    expect(Object.keys(model.stateDict())).toEqual(Object.keys(new TinyNet().stateDict()));
    expect(data(model.classifier.bias!)).toEqual([1, -1, 0.5]);
    expectClose(data(model.call(batch).logits), adapted, { atol: 1e-5 });
    expect(loraWeights.every((p) => p.isDisposed)).toBe(true);
    expect(thrown(() => peft.call(batch), PeftAdapterError).code).toBe('peft_unloaded');
    expect(thrown(() => peft.merge(), PeftAdapterError).code).toBe('peft_unloaded');
  });

  it('unload drops the adapters without merging', () => {
    const { peft, batch, base } = setup();
    const model = peft.unload();
    expect(data(model.call(batch).logits)).toEqual(base);
  });
});

describe('counts', () => {
  it("prints PEFT's line", () => {
    expect(groupThousands(1234567)).toBe('1,234,567');
    expect(groupThousands(999)).toBe('999');
    expect(formatTrainableParameters({ trainable: 1090, all: 53154, percent: (100 * 1090) / 53154 })).toBe(
      'trainable params: 1,090 || all params: 53,154 || trainable%: 2.0506',
    );
    const { peft } = setup();
    const lines: string[] = [];
    const counts = peft.trainableParameters();
    // proj: 2·8 + 8·2, out: 2·8 + 6·2, classifier copy: 6·3 + 3
    expect(counts.trainable).toBe(32 + 28 + 21);
    expect(counts.all).toBe(new TinyNet().numParameters());
    expect(peft.printTrainableParameters((l) => lines.push(l))).toBe(lines[0]);
  });
});

describe('loading into an existing model', () => {
  it('adds a saved adapter under a new name, frozen unless trainable', async () => {
    const { peft, batch } = setup(5);
    const files = peft.toAdapterFiles();
    const other = getPeftModel(new TinyNet(5), lora, quiet);
    await other.loadAdapter(files, 'loaded');
    expect(other.activeAdapters).toEqual(['default']);
    other.setAdapter('loaded');
    expect(data(other.call(batch).logits)).toEqual(data(peft.call(batch).logits));
    expect([...other.namedParameters()].filter(([k, p]) => k.includes('.loaded') && p.requiresGrad)).toEqual([]);
    await other.loadAdapter(files, 'trainable', { isTrainable: true });
    other.setAdapter('trainable');
    expect([...other.namedParameters()].filter(([k, p]) => k.includes('.trainable') && p.requiresGrad).length).toBeGreaterThan(0);
    const bad = new Map(files).set('adapter_model.safetensors', new Uint8Array(10));
    await expect(other.loadAdapter(bad, 'broken')).rejects.toMatchObject({ code: 'peft_file_invalid' });
    expect(Object.keys(other.peftConfig)).toEqual(['default', 'loaded', 'trainable']);
    expect(await PeftModel.fromPretrained(new TinyNet(5), files).then((p) => data(p.call(batch).logits))).toEqual(data(peft.call(batch).logits));
  });
});
