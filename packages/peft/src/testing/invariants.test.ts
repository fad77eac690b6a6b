/**
 * The public invariant checks fail on methods that break them: one toy method (a learned scale
 * per Linear, `y = (1 + s)·base(x)`) with a switch for each way to get it wrong. A suite that
 * passes a broken method would hold plugins to nothing.
 */
import { type Tensor, scope, zeros } from '@graft/core';
import { type AnyModule, type Linear, Parameter } from '@graft/nn';
import { describe, expect, it } from 'vitest';
import { TinyNet, tinyBatch } from '../../../../test-utils/peft/tiny';
import {
  AdapterLayer,
  type AdaptContext,
  type FieldSpecs,
  type LayerTensor,
  namesOrPattern,
  nullable,
  ParameterDict,
  type PeftConfig,
  registerPeftMethod,
  type WeightUpdate,
} from '../index';
import { checkPeftInvariants, PeftInvariantError, peftInvariantChecks, type PeftInvariantCase } from '../testing';

type Flaw = 'none' | 'ignores-disable' | 'trains-base' | 'wrong-merge' | 'no-effect' | 'cannot-merge';

const FIELDS: FieldSpecs = { target_modules: { default: null, check: nullable(namesOrPattern) } };

class ToyScale extends AdapterLayer<Linear> {
  toy_s = new ParameterDict();

  constructor(
    base: Linear,
    private readonly flaw: Flaw,
  ) {
    super(base);
  }

  get peftType(): string {
    return `TOY_${this.flaw.toUpperCase().replace(/-/g, '_')}`;
  }

  add(name: string): void {
    this.toy_s.set(
      name,
      scope(() => new Parameter(zeros([1]))),
    );
  }

  adapterNames(): string[] {
    return this.toy_s.keys();
  }

  adapterTensors(name: string): LayerTensor[] {
    const s = this.toy_s.get(name);
    return s ? [{ key: `toy_s.${name}`, fileKey: 'toy_s', parameter: s }] : [];
  }

  protected removeAdapter(name: string): void {
    this.toy_s.get(name)?.dispose();
    this.toy_s.delete(name);
  }

  protected mergeUpdates(name: string): WeightUpdate[] {
    const f = this.toy_s.get(name)!.add(this.flaw === 'wrong-merge' ? 2 : 1);
    return [
      [this.base_layer.weight, this.base_layer.weight.mul(f)],
      [this.base_layer.bias!, this.base_layer.bias!.mul(f)],
    ];
  }

  protected unmergeUpdates(name: string): WeightUpdate[] {
    const f = this.toy_s.get(name)!.add(this.flaw === 'wrong-merge' ? 2 : 1);
    return [
      [this.base_layer.weight, this.base_layer.weight.div(f)],
      [this.base_layer.bias!, this.base_layer.bias!.div(f)],
    ];
  }

  forward(x: Tensor): Tensor {
    const off = this.disabled && this.flaw !== 'ignores-disable';
    if (off || this.merged || this.flaw === 'no-effect') return this.base_layer.call(x);
    return scope(() => {
      let y = this.base_layer.call(x);
      for (const n of this.activeAdapters) y = y.mul(this.toy_s.get(n)!.add(1));
      return y;
    });
  }
}

function register(flaw: Flaw): string {
  const peftType = `TOY_${flaw.toUpperCase().replace(/-/g, '_')}`;
  registerPeftMethod<PeftConfig>({
    peftType,
    fields: FIELDS,
    canMerge: flaw !== 'cannot-merge',
    adaptModule(target: AnyModule, ctx: AdaptContext) {
      const layer = new ToyScale(target as Linear, flaw);
      layer.add(ctx.adapterName);
      return layer;
    },
    // the flawed method trains a base tensor it does not own: the trainable set is then not the adapter's
    markTrainable: flaw === 'trains-base' ? (model) => (model as TinyNet).out.bias?.requiresGrad_(true) : undefined,
  });
  return peftType;
}

const toyCase = (flaw: Flaw): PeftInvariantCase => ({
  name: `toy (${flaw})`,
  model: (device) => new TinyNet(3, device),
  batch: (device) => tinyBatch(device),
  config: { peft_type: register(flaw), target_modules: ['proj'] },
});

describe('peftInvariantChecks', () => {
  it('passes a correct method, with one check per invariant', async () => {
    const checks = peftInvariantChecks(toyCase('none'));
    expect(checks.map((c) => c.name)).toHaveLength(4);
    await checkPeftInvariants(toyCase('none'));
  });

  it('for a method that cannot merge, checks that merging is refused instead', async () => {
    const names = peftInvariantChecks(toyCase('cannot-merge')).map((c) => c.name);
    expect(names).toHaveLength(4);
    expect(names[3]).toMatch(/^merge and mergeAndUnload are refused \(peft_merge_unsupported\)/);
    await checkPeftInvariants(toyCase('cannot-merge'));
  });

  const failures: [Flaw, string, RegExp][] = [
    ['ignores-disable', 'disabled', /outputs with adapters disabled vs the base model: element \d+ is .*, expected exactly/],
    ['trains-base', 'trainable', /trainable but not in the adapter: base_model\.model\.out\.bias/],
    ['wrong-merge', 'merge', /merged vs unmerged outputs: element \d+/],
    ['no-effect', 'trainable', /the loss depends on no trainable tensor/],
  ];
  for (const [flaw, invariant, message] of failures) {
    it(`fails a method that ${flaw.replace(/-/g, ' ')}: invariant '${invariant}'`, async () => {
      const err = await checkPeftInvariants(toyCase(flaw)).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(PeftInvariantError);
      expect(err).toMatchObject({ code: 'peft_invariant_failed', invariant });
      expect((err as Error).message).toMatch(message);
    });
  }
});
