/**
 * A third-party method added through the public registry only, as a plugin package would: it
 * gets configs with PEFT's checks, injection, freezing, modules_to_save, files in PEFT's layout,
 * merging, and it passes the shared invariant suite. A prompt-learning method registers with its
 * `promptLearning` hook alone. Bad registrations fail with typed errors.
 */
import { Generator, type Tensor, scope, tensor, zeros } from '@graft/core';
import { fromPretrained } from '@graft/models';
import { type AnyModule, Linear, Parameter } from '@graft/nn';
import { describe, expect, it } from 'vitest';
import { describePeftInvariants } from '../../../test-utils/peft/invariants';
import { TinyNet, tinyBatch } from '../../../test-utils/peft/tiny';
import { fixtureFiles } from '../../../test-utils/models/parity';
import { thrown } from '../../../test-utils/thrown';
import {
  AdapterLayer,
  type AdaptContext,
  bool,
  type FieldSpecs,
  getPeftModel,
  type LayerTensor,
  namesOrPattern,
  nullable,
  ParameterDict,
  type PeftConfig,
  PeftConfigError,
  type PeftMethod,
  PeftMethodError,
  PeftTargetError,
  parsePeftConfig,
  promptTuningMethod,
  registerPeftMethod,
  stringList,
  type WeightUpdate,
} from './index';

/** A toy method: one learned scale per adapted Linear, `y = (1 + s)·base(x)`. */
interface ScaleConfig extends PeftConfig {
  target_modules: string[] | string | null;
  modules_to_save: string[] | null;
  zero_init: boolean;
}

const SCALE_FIELDS: FieldSpecs = {
  target_modules: { default: null, check: nullable(namesOrPattern) },
  modules_to_save: { default: null, check: nullable(stringList) },
  zero_init: { default: true, check: bool },
};

class ScaleLinear extends AdapterLayer<Linear> {
  scale_s = new ParameterDict();

  get peftType(): string {
    return 'SCALE';
  }

  add(name: string, zero: boolean): void {
    this.scale_s.set(
      name,
      scope(() => new Parameter(zeros([1]).add(zero ? 0 : 0.5))),
    );
  }

  adapterNames(): string[] {
    return this.scale_s.keys();
  }

  adapterTensors(name: string): LayerTensor[] {
    const s = this.scale_s.get(name);
    return s ? [{ key: `scale_s.${name}`, fileKey: 'scale_s', parameter: s }] : [];
  }

  protected removeAdapter(name: string): void {
    this.scale_s.get(name)?.dispose();
    this.scale_s.delete(name);
  }

  protected mergeUpdates(name: string): WeightUpdate[] {
    const f = this.scale_s.get(name)!.add(1);
    return [
      [this.base_layer.weight, this.base_layer.weight.mul(f)],
      [this.base_layer.bias!, this.base_layer.bias!.mul(f)],
    ];
  }

  protected unmergeUpdates(name: string): WeightUpdate[] {
    const f = this.scale_s.get(name)!.add(1);
    return [
      [this.base_layer.weight, this.base_layer.weight.div(f)],
      [this.base_layer.bias!, this.base_layer.bias!.div(f)],
    ];
  }

  forward(x: Tensor): Tensor {
    if (this.disabled || this.merged) return this.base_layer.call(x);
    return scope(() => {
      let y = this.base_layer.call(x);
      for (const n of this.activeAdapters) {
        const s = this.scale_s.get(n);
        if (s) y = y.mul(s.add(1));
      }
      return y;
    });
  }
}

const scaleMethod = {
  peftType: 'SCALE',
  fields: SCALE_FIELDS,
  canMerge: true,
  adaptModule(target: AnyModule, ctx: AdaptContext<ScaleConfig>) {
    if (target instanceof ScaleLinear) {
      target.add(ctx.adapterName, ctx.config.zero_init);
      return target;
    }
    if (!(target instanceof Linear)) throw new PeftTargetError('peft_target_unsupported', `SCALE adapts Linear layers, not '${ctx.key}'`);
    const layer = new ScaleLinear(target);
    layer.add(ctx.adapterName, ctx.config.zero_init);
    return layer;
  },
};

registerPeftMethod<ScaleConfig>(scaleMethod);

describe('a third-party method', () => {
  it('works end to end through the registry', async () => {
    expect(thrown(() => parsePeftConfig({ peft_type: 'SCALE', zero_init: 1 }), PeftConfigError).field).toBe('zero_init');
    const peft = getPeftModel(new TinyNet(1), { peft_type: 'SCALE', target_modules: ['proj'], modules_to_save: ['classifier'] }, { warn: () => {} });
    expect([...peft.namedParameters()].filter(([, p]) => p.requiresGrad).map(([k]) => k)).toEqual([
      'base_model.model.proj.scale_s.default',
      'base_model.model.classifier.modules_to_save.default.weight',
      'base_model.model.classifier.modules_to_save.default.bias',
    ]);
    const config = JSON.parse(new TextDecoder().decode(peft.toAdapterFiles().get('adapter_config.json')));
    expect(config).toMatchObject({ peft_type: 'SCALE', zero_init: true, target_modules: ['proj'] });
    expect(peft.call(tinyBatch()).logits.shape).toEqual([3, 3]);
  });

  it('refuses malformed registrations', () => {
    expect(thrown(() => registerPeftMethod({ ...scaleMethod, peftType: 'scale' }), PeftMethodError).message).toMatch(/upper case/);
    expect(thrown(() => registerPeftMethod({ ...scaleMethod, adaptModule: undefined }), PeftMethodError).message).toMatch(
      /adaptModule.*inject.*promptLearning/,
    );
    expect(thrown(() => registerPeftMethod({ ...scaleMethod, canMerge: undefined as never }), PeftMethodError).message).toMatch(/canMerge/);
  });
});

describe('a third-party prompt-learning method', () => {
  it('needs only a promptLearning hook: its encoders sit beside the model and its forward runs the call', async () => {
    registerPeftMethod({ ...promptTuningMethod, peftType: 'PLUGIN_PROMPT', fields: { ...promptTuningMethod.fields } } as PeftMethod<PeftConfig>);
    const run = async (peftType: string) => {
      const peft = getPeftModel(
        await fromPretrained(fixtureFiles('bert-seqcls')),
        { peft_type: peftType, num_virtual_tokens: 3 },
        { warn: () => {}, generator: new Generator(4) },
      );
      const ids = tensor([[2, 15, 27, 40]], { dtype: 'int32' });
      const logits = Array.from((peft as unknown as { call(i: object): { logits: Tensor } }).call({ inputIds: ids }).logits.dataSync());
      const names = [...peft.namedParameters()].filter(([, p]) => p.requiresGrad).map(([k]) => k);
      return { logits, names, config: JSON.parse(new TextDecoder().decode(peft.toAdapterFiles().get('adapter_config.json'))).peft_type };
    };
    const [plugin, builtIn] = [await run('PLUGIN_PROMPT'), await run('PROMPT_TUNING')];
    expect(plugin.logits).toEqual(builtIn.logits);
    expect(plugin.names).toEqual(['base_model.prompt_encoder.default.embedding.weight']);
    expect([plugin.config, builtIn.config]).toEqual(['PLUGIN_PROMPT', 'PROMPT_TUNING']);
  });
});

describePeftInvariants({
  name: 'TinyNet, a plugin method',
  model: (device) => new TinyNet(9, device),
  batch: (device) => tinyBatch(device),
  config: { peft_type: 'SCALE', target_modules: ['proj', 'out'], modules_to_save: ['classifier'] },
});
