/**
 * One training step of a BERT encoder for sequence classification, built from @graft/core ops
 * (until @graft/nn has the layers): embeddings (word + position + token type, LayerNorm), encoder
 * layers (self-attention, residual + LayerNorm, GELU feed-forward, residual + LayerNorm), a tanh
 * pooler on [CLS], a linear classifier, cross-entropy, backward and AdamW. Dropout is off, as in
 * the PyTorch twin (suites/core-cpu-torch.py), so both do the same arithmetic.
 */
import * as g from '@graft/core';

export interface BertConfig {
  vocab: number;
  hidden: number;
  layers: number;
  heads: number;
  ffn: number;
  maxPositions: number;
  classes: number;
}

/** google/bert_uncased_L-2_H-128_A-2 ("bert-tiny"). */
export const BERT_TINY: BertConfig = { vocab: 30522, hidden: 128, layers: 2, heads: 2, ffn: 512, maxPositions: 512, classes: 2 };

type Params = Record<string, g.Tensor>;

function initParams(cfg: BertConfig, gen: g.Generator): Params {
  const p: Params = {};
  const normal = (name: string, shape: number[]) =>
    (p[name] = g
      .mul(g.randn(shape, { generator: gen }), 0.02)
      .keep()
      .requiresGrad_());
  const zeros = (name: string, shape: number[]) => (p[name] = g.zeros(shape).requiresGrad_());
  const ones = (name: string, shape: number[]) => (p[name] = g.ones(shape).requiresGrad_());
  const linear = (name: string, out: number, inp: number) => (normal(`${name}.weight`, [out, inp]), zeros(`${name}.bias`, [out]));
  const norm = (name: string) => (ones(`${name}.weight`, [cfg.hidden]), zeros(`${name}.bias`, [cfg.hidden]));
  normal('emb.word', [cfg.vocab, cfg.hidden]);
  normal('emb.position', [cfg.maxPositions, cfg.hidden]);
  normal('emb.type', [2, cfg.hidden]);
  norm('emb.norm');
  for (let l = 0; l < cfg.layers; l++) {
    for (const n of ['q', 'k', 'v', 'o']) linear(`l${l}.${n}`, cfg.hidden, cfg.hidden);
    norm(`l${l}.norm1`);
    linear(`l${l}.ffn1`, cfg.ffn, cfg.hidden);
    linear(`l${l}.ffn2`, cfg.hidden, cfg.ffn);
    norm(`l${l}.norm2`);
  }
  linear('pooler', cfg.hidden, cfg.hidden);
  linear('classifier', cfg.classes, cfg.hidden);
  return p;
}

const linear = (x: g.Tensor, p: Params, name: string) => g.add(g.matmul(x, g.transpose(p[`${name}.weight`], 0, 1)), p[`${name}.bias`]);
const norm = (x: g.Tensor, p: Params, name: string) => g.layerNorm(x, [x.shape[x.shape.length - 1]], p[`${name}.weight`], p[`${name}.bias`], 1e-12);

function forward(cfg: BertConfig, p: Params, ids: g.Tensor, labels: g.Tensor): g.Tensor {
  const [b, s] = ids.shape;
  const [h, nh] = [cfg.hidden, cfg.heads];
  const dh = h / nh;
  const words = g.reshape(g.indexSelect(p['emb.word'], 0, g.reshape(ids, [b * s])), [b, s, h]);
  const pos = g.narrow(p['emb.position'], 0, 0, s);
  const type = g.narrow(p['emb.type'], 0, 0, 1);
  let x = g.reshape(norm(g.add(g.add(words, pos), type), p, 'emb.norm'), [b * s, h]);
  const heads = (t: g.Tensor) => g.permute(g.reshape(t, [b, s, nh, dh]), [0, 2, 1, 3]);
  for (let l = 0; l < cfg.layers; l++) {
    const ctx = g.scaledDotProductAttention(heads(linear(x, p, `l${l}.q`)), heads(linear(x, p, `l${l}.k`)), heads(linear(x, p, `l${l}.v`)));
    const merged = g.reshape(g.permute(ctx, [0, 2, 1, 3]), [b * s, h]);
    x = norm(g.add(x, linear(merged, p, `l${l}.o`)), p, `l${l}.norm1`);
    const ff = linear(g.gelu(linear(x, p, `l${l}.ffn1`)), p, `l${l}.ffn2`);
    x = norm(g.add(x, ff), p, `l${l}.norm2`);
  }
  const cls = g.reshape(g.narrow(g.reshape(x, [b, s, h]), 1, 0, 1), [b, h]);
  const logits = linear(g.tanh(linear(cls, p, 'pooler')), p, 'classifier');
  return g.crossEntropy(logits, labels);
}

/** A model, its AdamW state and a fixed batch; `step()` runs one full training step and returns the loss. */
export function bertTrainer(cfg: BertConfig, batch: number, seq: number, seed = 1) {
  const gen = new g.Generator(seed);
  const params = initParams(cfg, gen);
  const state = Object.fromEntries(Object.entries(params).map(([k, t]) => [k, { m: g.zerosLike(t).keep(), v: g.zerosLike(t).keep() }]));
  const ids = g.randint(0, cfg.vocab, [batch, seq], { generator: gen, dtype: 'int32' }).keep();
  const labels = g.randint(0, cfg.classes, [batch], { generator: gen, dtype: 'int32' }).keep();
  let t = 0;
  const hyper = { lr: 1e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };
  const count = Object.values(params).reduce((n, p) => n + p.size, 0);
  return {
    parameters: count,
    step(): number {
      t++;
      return g.scope(() => {
        const loss = forward(cfg, params, ids, labels);
        loss.backward();
        for (const [k, p] of Object.entries(params)) {
          const s = state[k];
          const next = g.adamwUpdate(p, p.grad!, s.m, s.v, { ...hyper, step: t });
          p.assign(next.param);
          s.m.assign(next.expAvg);
          s.v.assign(next.expAvgSq);
          p.grad!.dispose();
          p.grad = null;
        }
        return loss.itemSync();
      });
    },
  };
}
