/**
 * The one functional namespace (docs/naming.md): core's stateless functions re-exported as they
 * are, nn's functional forms defined once, and no function exported both there and at the top.
 */
import * as core from '@graft/core';
import { describe, expect, it } from 'vitest';
import * as nn from '../index';

const F = nn.functional;

describe('functional', () => {
  it("re-exports core's activations, normalisation, attention and losses themselves", () => {
    for (const name of [
      'gelu',
      'softmax',
      'logSoftmax',
      'layerNorm',
      'rmsNorm',
      'dropout',
      'embedding',
      'scaledDotProductAttention',
      'crossEntropy',
      'nllLoss',
      'mseLoss',
    ] as const) {
      expect(F[name], name).toBe(core[name]);
    }
  });

  it("holds the functional forms of nn's layers and losses, and the top level does not", () => {
    for (const name of [
      'linear',
      'conv1d',
      'conv2d',
      'convTranspose2d',
      'maxPool2d',
      'avgPool2d',
      'propagate',
      'l1Loss',
      'binaryCrossEntropyWithLogits',
      'klDiv',
    ] as const) {
      expect(typeof F[name], name).toBe('function');
      expect(name in nn, name).toBe(false);
    }
    const x = core.tensor([[1, 2]], { dtype: 'float32' });
    const w = core.tensor(
      [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
      { dtype: 'float32' },
    );
    expect(F.linear(x, w).arraySync()).toEqual([[1, 2, 3]]);
  });

  it("layers take their functional form's names: Softmax(axis), Flatten(startAxis, endAxis), RMSNorm(normalizedShape)", () => {
    const x = core.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float32' },
    );
    expect(new nn.Softmax(0).call(x).arraySync()).toEqual(core.softmax(x, 0).arraySync());
    const flat = new nn.Flatten(0, 1);
    expect([flat.startAxis, flat.endAxis]).toEqual([0, 1]);
    expect(new nn.RMSNorm([2]).normalizedShape).toEqual([2]);
    expect(new nn.RMSNorm(4).weight!.shape).toEqual([4]);
    expect(() => new nn.RMSNorm([2, 3] as unknown as [number])).toThrow(/one size/);
  });
});
