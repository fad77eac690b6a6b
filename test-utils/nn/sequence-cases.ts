/**
 * Conformance cases of the sequence and graph layer families: multi-head attention with every
 * kind of mask (and seeded attention dropout), Transformer encoder and decoder layers, recurrent
 * layers and cells (bidirectional, with lengths and with masks), and graph convolution/attention.
 */
import { tensor } from '@graft/core';
import {
  GATConv,
  GCNConv,
  GRU,
  GRUCell,
  LSTM,
  LSTMCell,
  ModuleDict,
  MultiheadAttention,
  RNN,
  RNNCell,
  TransformerDecoderLayer,
  TransformerEncoderLayer,
} from '@graft/nn';
import { type CaseInput, type LayerCase, layerCase } from './harness';
import { x } from './layer-cases';

/** `[N, S]` key padding: true marks padded keys (the last key of row 0, the last two of row 1). */
const keyPadding = (): CaseInput => ({
  t: tensor([
    [false, false, false, true],
    [false, false, true, true],
  ]),
});

/** A 5-node graph with an isolated node (4) and a repeated edge. */
const edges = (): CaseInput => ({
  t: tensor(
    [
      [0, 1, 2, 3, 1, 0],
      [1, 2, 0, 0, 2, 3],
    ],
    { dtype: 'int32' },
  ),
});

/** Cases of attention, Transformer, recurrent and graph layers. */
export const sequenceCases: LayerCase[] = [
  layerCase({
    name: 'MultiheadAttention, key padding + additive float mask, batch first',
    build: (o) => new MultiheadAttention(8, 2, { ...o, batchFirst: true }),
    inputs: (g) => [
      x(g, 2, 3, 8),
      x(g, 2, 4, 8),
      x(g, 2, 4, 8),
      keyPadding(),
      {
        t: tensor(
          [
            [0, -1, 0, 0.5],
            [0, 0, -2, 0],
            [1, 0, 0, 0],
          ],
          { dtype: 'float32' },
        ),
      },
    ],
    run: (m, [q, k, v, pad, mask]) => m.call(q, k, v, { keyPaddingMask: pad, attnMask: mask }),
  }),
  layerCase({
    name: 'MultiheadAttention self-attention, causal, with weights',
    build: (o) => new MultiheadAttention(8, 4, o),
    inputs: (g) => [x(g, 3, 2, 8)],
    run: (m, [a]) => {
      const { output, weights } = m.forwardWithWeights(a, a, a, { isCausal: true });
      return [output, weights];
    },
  }),
  layerCase({
    name: 'MultiheadAttention with kdim/vdim and a bool mask per head',
    build: (o) => new MultiheadAttention(6, 2, { ...o, kdim: 4, vdim: 5, batchFirst: true }),
    inputs: (g) => [
      x(g, 1, 2, 6),
      x(g, 1, 3, 4),
      x(g, 1, 3, 5),
      {
        t: tensor([
          [
            [false, true, false],
            [false, false, false],
          ],
          [
            [false, false, true],
            [true, false, false],
          ],
        ]),
      },
    ],
    run: (m, [q, k, v, mask]) => m.call(q, k, v, { attnMask: mask }),
  }),
  layerCase({
    name: 'MultiheadAttention with seeded attention dropout',
    build: (o) => new MultiheadAttention(8, 2, { ...o, dropout: 0.25, batchFirst: true }),
    inputs: (g) => [x(g, 2, 3, 8)],
    run: (m, [a]) => m.call(a, a, a),
  }),
  layerCase({
    name: 'TransformerEncoderLayer post-norm relu, key padding',
    build: (o) => new TransformerEncoderLayer(8, 2, { ...o, dimFeedforward: 16, dropout: 0, batchFirst: true }),
    inputs: (g) => [x(g, 2, 4, 8), keyPadding()],
    run: (m, [a, pad]) => m.call(a, { srcKeyPaddingMask: pad }),
  }),
  layerCase({
    name: 'TransformerEncoderLayer pre-norm gelu, causal, seeded dropout',
    build: (o) => new TransformerEncoderLayer(8, 2, { ...o, dimFeedforward: 12, dropout: 0.1, activation: 'gelu', normFirst: true }),
    inputs: (g) => [x(g, 3, 2, 8)],
    run: (m, [a]) => m.call(a, { isCausal: true }),
  }),
  layerCase({
    name: 'TransformerDecoderLayer, causal target, memory key padding',
    build: (o) => new TransformerDecoderLayer(8, 2, { ...o, dimFeedforward: 16, dropout: 0.1, batchFirst: true }),
    inputs: (g) => [x(g, 2, 3, 8), x(g, 2, 4, 8), keyPadding()],
    run: (m, [tgt, memory, pad]) => m.call(tgt, memory, { tgtIsCausal: true, memoryKeyPaddingMask: pad }),
  }),
  layerCase({
    name: 'RNN tanh, 2 layers, initial state',
    build: (o) => new RNN(3, 4, { ...o, numLayers: 2 }),
    inputs: (g) => [x(g, 5, 2, 3), x(g, 2, 2, 4)],
    run: (m, [a, h]) => {
      const r = m.call(a, { h });
      return [r.output, r.h];
    },
  }),
  layerCase({
    name: 'LSTM bidirectional, batch first, with lengths',
    build: (o) => new LSTM(3, 4, { ...o, bidirectional: true, batchFirst: true }),
    inputs: (g) => [x(g, 3, 4, 3)],
    run: (m, [a]) => {
      const r = m.call(a, {}, { lengths: [4, 2, 3] });
      return [r.output, r.h, r.c!];
    },
  }),
  layerCase({
    name: 'GRU bidirectional, 2 layers, with a mask and dropout between layers',
    build: (o) => new GRU(3, 4, { ...o, bidirectional: true, numLayers: 2, dropout: 0.2 }),
    inputs: (g) => [
      x(g, 4, 2, 3),
      {
        t: tensor([
          [true, true, true, false],
          [true, true, true, true],
        ]),
      },
    ],
    run: (m, [a, mask]) => {
      const r = m.call(a, {}, { mask });
      return [r.output, r.h];
    },
  }),
  layerCase({
    name: 'RNN relu, LSTM and GRU cells',
    build: (o) => new ModuleDict({ rnn: new RNNCell(3, 4, { ...o, nonlinearity: 'relu' }), lstm: new LSTMCell(3, 4, o), gru: new GRUCell(3, 4, o) }),
    inputs: (g) => [x(g, 2, 3), x(g, 2, 4)],
    run: (m, [a, h]) => {
      const rnn = m.get('rnn') as RNNCell;
      const lstm = m.get('lstm') as LSTMCell;
      const gru = m.get('gru') as GRUCell;
      const s = lstm.call(a, { h, c: h.mul(0.5) });
      return [rnn.call(a, h), s.h, s.c, gru.call(a, h)];
    },
  }),
  layerCase({ name: 'GCNConv', build: (o) => new GCNConv(4, 3, o), inputs: (g) => [x(g, 5, 4), edges()], run: (m, [a, e]) => m.call(a, e) }),
  layerCase({
    name: 'GCNConv without self loops (an isolated node of degree 0)',
    build: (o) => new GCNConv(4, 3, { ...o, addSelfLoops: false }),
    inputs: (g) => [x(g, 5, 4), edges()],
    run: (m, [a, e]) => m.call(a, e),
  }),
  layerCase({
    name: 'GATConv, 2 heads concatenated',
    build: (o) => new GATConv(4, 3, { ...o, heads: 2 }),
    inputs: (g) => [x(g, 5, 4), edges()],
    run: (m, [a, e]) => m.call(a, e),
  }),
  layerCase({
    name: 'GATConv, heads averaged, seeded attention dropout',
    build: (o) => new GATConv(4, 3, { ...o, heads: 2, concat: false, dropout: 0.3 }),
    inputs: (g) => [x(g, 5, 4), edges()],
    run: (m, [a, e]) => m.call(a, e),
  }),
];
