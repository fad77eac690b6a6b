/**
 * A tiny training loop shared by the WebGPU tests and benchmarks: a two-layer classifier with
 * layerNorm, GELU, softmax cross-entropy and AdamW, built from core ops only, so the same code
 * runs on any device and the loss curves of two devices can be compared step by step.
 */
import * as g from '@graft/core';
import { Generator, memory, scope, type Tensor } from '@graft/core';

export interface TinyTrainer {
  /** One AdamW step; returns the loss tensor (kept: the caller reads and disposes it). */
  step(): Tensor;
  params: Tensor[];
  dispose(): void;
}

/** A seeded classifier on `device`: same initial weights and data on every device. */
export function tinyTrainer(device: string, opts: { inputs?: number; hidden?: number; classes?: number; batch?: number } = {}): TinyTrainer {
  const { inputs = 8, hidden = 16, classes = 4, batch = 16 } = opts;
  const gen = new Generator(1234);
  const host = (shape: number[], scale: number, shift = 0) =>
    g
      .tensor(
        Array.from(
          gen.normal(
            shape.reduce((a, b) => a * b, 1),
            'float32',
          ),
          (v) => v * scale + shift,
        ),
        { shape, device },
      )
      .keep();
  const params = [
    host([inputs, hidden], 0.3),
    host([hidden], 0.1),
    host([hidden], 0.1, 1),
    host([hidden], 0.1),
    host([hidden, classes], 0.3),
    host([classes], 0.1),
  ];
  for (const p of params) p.requiresGrad_();
  const moments = params.map((p) => [g.zerosLike(p).keep(), g.zerosLike(p).keep()]);
  const x = host([batch, inputs], 1);
  const y = g
    .tensor(
      Array.from({ length: batch }, (_, i) => (i * 7) % classes),
      { dtype: 'int32', device },
    )
    .keep();
  let t = 0;
  return {
    params,
    step() {
      t++;
      return scope(() => {
        const [w1, b1, lnW, lnB, w2, b2] = params;
        const h = g.gelu(g.layerNorm(g.add(g.matmul(x, w1), b1), [hidden], lnW, lnB));
        const loss = g.crossEntropy(g.add(g.matmul(h, w2), b2), y);
        loss.backward();
        params.forEach((p, i) => {
          const [m, v] = moments[i];
          const r = g.adamwUpdate(p, p.grad!, m, v, { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step: t });
          p.grad!.dispose();
          p.grad = null;
          p.assign(r.param);
          m.assign(r.expAvg);
          v.assign(r.expAvgSq);
        });
        return loss.detach();
      });
    },
    dispose() {
      for (const t of [...params, ...moments.flat(), x, y]) t.dispose();
    },
  };
}

/** Live tensors and the bytes of `device`, for leak checks. */
export function usage(device: string): { tensors: number; bytes: number; buffers: number } {
  const m = memory();
  return { tensors: m.tensors, bytes: m.devices[device]?.bytes ?? 0, buffers: m.devices[device]?.buffers ?? 0 };
}
