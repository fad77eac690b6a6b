/**
 * A bert-tiny-shaped training step from @graft/core ops for any device, read asynchronously
 * (`await loss.item()`), so it runs on WebGPU: embeddings + LayerNorm, encoder layers
 * (self-attention through the fused kernel, residual + LayerNorm, GELU FFN, residual +
 * LayerNorm), a masked-LM head tied to the word embeddings, cross-entropy, backward, AdamW.
 */
import * as g from '@graft/core';

export interface BertShape {
  vocab: number;
  hidden: number;
  layers: number;
  heads: number;
  ffn: number;
}

/** google/bert_uncased_L-2_H-128_A-2. */
export const BERT_TINY_SHAPE: BertShape = { vocab: 30522, hidden: 128, layers: 2, heads: 2, ffn: 512 };
/** google/bert_uncased_L-4_H-256_A-4 (bert-mini). */
export const BERT_MINI_SHAPE: BertShape = { vocab: 30522, hidden: 256, layers: 4, heads: 4, ffn: 1024 };
/** bert-base-uncased: 12 layers, 768 wide, 12 heads. */
export const BERT_BASE_SHAPE: BertShape = { vocab: 30522, hidden: 768, layers: 12, heads: 12, ffn: 3072 };

export function bertStep(cfg: BertShape, device: string, batch: number, seq: number) {
  const gen = new g.Generator(7);
  const p: Record<string, g.Tensor> = {};
  const normal = (name: string, shape: number[]) =>
    (p[name] = g
      .tensor(
        gen.normal(
          shape.reduce((a, b) => a * b, 1),
          'float32',
          0,
          0.02,
        ),
        { shape, device },
      )
      .requiresGrad_());
  const fill = (name: string, shape: number[], v: number) => (p[name] = g.full(shape, v, { device }).requiresGrad_());
  const linear = (name: string, inp: number, out: number) => (normal(`${name}.w`, [inp, out]), fill(`${name}.b`, [out], 0));
  const norm = (name: string) => (fill(`${name}.w`, [cfg.hidden], 1), fill(`${name}.b`, [cfg.hidden], 0));
  normal('word', [cfg.vocab, cfg.hidden]);
  normal('pos', [seq, cfg.hidden]);
  norm('embnorm');
  for (let l = 0; l < cfg.layers; l++) {
    for (const n of ['q', 'k', 'v', 'o']) linear(`${l}.${n}`, cfg.hidden, cfg.hidden);
    linear(`${l}.f1`, cfg.hidden, cfg.ffn);
    linear(`${l}.f2`, cfg.ffn, cfg.hidden);
    norm(`${l}.n1`);
    norm(`${l}.n2`);
  }
  const state = Object.fromEntries(Object.entries(p).map(([k, t]) => [k, { m: g.zerosLike(t), v: g.zerosLike(t) }]));
  const ids = g.tensor(
    Array.from({ length: batch * seq }, (_, i) => (i * 7919) % cfg.vocab),
    { shape: [batch, seq], dtype: 'int32', device },
  );
  const labels = g.tensor(
    Array.from({ length: batch * seq }, (_, i) => (i * 104729) % cfg.vocab),
    { shape: [batch * seq], dtype: 'int32', device },
  );
  const dh = cfg.hidden / cfg.heads;
  const heads = (x: g.Tensor) => g.permute(g.reshape(x, [batch, seq, cfg.heads, dh]), [0, 2, 1, 3]);
  const dense = (x: g.Tensor, name: string) => g.add(g.matmul(x, p[`${name}.w`]), p[`${name}.b`]);
  const ln = (x: g.Tensor, name: string) => g.layerNorm(x, [cfg.hidden], p[`${name}.w`], p[`${name}.b`], 1e-12);
  let t = 0;
  return {
    parameters: Object.values(p).reduce((n, x) => n + x.size, 0),
    /** Frees the parameters, optimizer state and inputs (device memory between models). */
    dispose(): void {
      for (const t of [...Object.values(p), ...Object.values(state).flatMap((s) => [s.m, s.v]), ids, labels]) t.dispose();
    },
    /** One step; resolves to the loss (reading it is the step's only synchronisation). */
    async step(): Promise<number> {
      t++;
      const loss = g.scope(() => {
        let h = ln(g.add(g.embedding(p.word, ids), p.pos), 'embnorm');
        for (let l = 0; l < cfg.layers; l++) {
          const ctx = g.scaledDotProductAttention(heads(dense(h, `${l}.q`)), heads(dense(h, `${l}.k`)), heads(dense(h, `${l}.v`)));
          const attn = dense(g.reshape(g.permute(ctx, [0, 2, 1, 3]), [batch, seq, cfg.hidden]), `${l}.o`);
          h = ln(g.add(h, attn), `${l}.n1`);
          h = ln(g.add(h, dense(g.gelu(dense(h, `${l}.f1`)), `${l}.f2`)), `${l}.n2`);
        }
        const logits = g.matmul(g.reshape(h, [batch * seq, cfg.hidden]), g.transpose(p.word));
        const l = g.crossEntropy(logits, labels);
        l.backward();
        for (const [k, x] of Object.entries(p)) {
          const s = state[k];
          const next = g.adamwUpdate(x, x.grad!, s.m, s.v, { lr: 1e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step: t });
          x.assign(next.param);
          s.m.assign(next.expAvg);
          s.v.assign(next.expAvgSq);
          x.grad!.dispose();
          x.grad = null;
        }
        return l.detach();
      });
      try {
        return await loss.item();
      } finally {
        loss.dispose();
      }
    },
  };
}
