/**
 * Conformance cases of the feed-forward layer families: affine, embedding, normalisation (batch
 * norm in training and evaluation, with momentum and the cumulative average), seeded dropout,
 * activations, convolutions, pooling and upsampling. Sizes are small: lavapipe is slow.
 */
import { type Generator, randint, randn, tensor, type Tensor } from '@graft/core';
import {
  AdaptiveAvgPool1d,
  AdaptiveAvgPool2d,
  AvgPool1d,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Bilinear,
  Conv1d,
  Conv2d,
  ConvTranspose2d,
  Dropout,
  Embedding,
  Flatten,
  GELU,
  LayerNorm,
  LeakyReLU,
  Linear,
  LogSoftmax,
  MaxPool1d,
  MaxPool2d,
  ModuleList,
  ReLU,
  RMSNorm,
  Sigmoid,
  SiLU,
  Softmax,
  Tanh,
  Upsample,
  type Module,
} from '@graft/nn';
import { type CaseInput, type LayerCase, layerCase } from './harness';

/** A float32 input with standard-normal values that asks for its gradient. */
export const x = (gen: Generator, ...shape: number[]): CaseInput => ({ t: randn(shape, { generator: gen }), grad: true });

/** Applies every module of a list to the same input (for families of parameter-free layers). */
const each = (m: ModuleList<Module>, [input]: Tensor[]) => [...m.namedChildren()].map(([, layer]) => layer.call(input));

/** Cases of the feed-forward layer families, in the order the suite reports them. */
export const layerCases: LayerCase[] = [
  layerCase({ name: 'Linear', build: (o) => new Linear(5, 4, o), inputs: (g) => [x(g, 3, 5)], run: (m, [a]) => m.call(a), cls: 'matmul' }),
  layerCase({
    name: 'Linear without bias, 3-D input',
    build: (o) => new Linear(5, 4, { ...o, bias: false }),
    inputs: (g) => [x(g, 2, 3, 5)],
    run: (m, [a]) => m.call(a),
    cls: 'matmul',
  }),
  layerCase({
    name: 'Bilinear',
    build: (o) => new Bilinear(3, 4, 2, o),
    inputs: (g) => [x(g, 3, 3), x(g, 3, 4)],
    run: (m, [a, b]) => m.call(a, b),
    cls: 'matmul',
  }),
  layerCase({
    name: 'Embedding with paddingIdx',
    build: (o) => new Embedding(10, 4, { ...o, paddingIdx: 0 }),
    inputs: () => [
      {
        t: tensor(
          [
            [0, 3, 9, 3, 1],
            [2, 0, 7, 5, 3],
          ],
          { dtype: 'int32' },
        ),
      },
    ],
    run: (m, [ids]) => m.call(ids),
  }),
  layerCase({ name: 'LayerNorm', build: (o) => new LayerNorm(4, o), inputs: (g) => [x(g, 3, 4)], run: (m, [a]) => m.call(a) }),
  layerCase({ name: 'LayerNorm over two dims', build: (o) => new LayerNorm([2, 3], o), inputs: (g) => [x(g, 2, 2, 3)], run: (m, [a]) => m.call(a) }),
  layerCase({ name: 'RMSNorm', build: (o) => new RMSNorm(6, o), inputs: (g) => [x(g, 3, 6)], run: (m, [a]) => m.call(a) }),
  layerCase({ name: 'BatchNorm1d train [N, C]', build: (o) => new BatchNorm1d(4, o), inputs: (g) => [x(g, 5, 4)], run: (m, [a]) => m.call(a) }),
  layerCase({
    name: 'BatchNorm1d train [N, C, L], cumulative average (momentum null)',
    build: (o) => new BatchNorm1d(3, { ...o, momentum: null }),
    inputs: (g) => [x(g, 4, 3, 5), x(g, 4, 3, 5)],
    prepare: (m, [, b]) => void m.call(b),
    run: (m, [a]) => m.call(a),
  }),
  layerCase({ name: 'BatchNorm2d train', build: (o) => new BatchNorm2d(3, o), inputs: (g) => [x(g, 2, 3, 4, 4)], run: (m, [a]) => m.call(a) }),
  layerCase({
    name: 'BatchNorm2d eval after two training steps',
    build: (o) => new BatchNorm2d(3, { ...o, momentum: 0.3 }),
    inputs: (g) => [x(g, 2, 3, 3, 3), x(g, 2, 3, 3, 3)],
    prepare: (m, [a, b]) => {
      m.call(a);
      m.call(b);
    },
    run: (m, [a]) => m.call(a),
    mode: 'eval',
  }),
  layerCase({ name: 'Dropout (seeded)', build: (o) => new Dropout(0.3, o), inputs: (g) => [x(g, 4, 6)], run: (m, [a]) => m.call(a) }),
  layerCase({ name: 'Dropout in eval mode', build: (o) => new Dropout(0.3, o), inputs: (g) => [x(g, 4, 6)], run: (m, [a]) => m.call(a), mode: 'eval' }),
  layerCase({
    name: 'activations',
    build: () =>
      new ModuleList<Module>([
        new ReLU(),
        new GELU(),
        new GELU('tanh'),
        new Tanh(),
        new Sigmoid(),
        new SiLU(),
        new LeakyReLU(0.1),
        new Softmax(),
        new LogSoftmax(0),
        new Flatten(),
      ]),
    inputs: (g) => [x(g, 3, 2, 4)],
    run: each,
  }),
  layerCase({
    name: 'Conv1d stride 2, padding 1',
    build: (o) => new Conv1d(3, 4, 3, { ...o, stride: 2, padding: 1 }),
    inputs: (g) => [x(g, 2, 3, 7)],
    run: (m, [a]) => m.call(a),
    cls: 'matmul',
  }),
  layerCase({
    name: "Conv2d padding 'same'",
    build: (o) => new Conv2d(2, 4, 3, { ...o, padding: 'same' }),
    inputs: (g) => [x(g, 2, 2, 5, 5)],
    run: (m, [a]) => m.call(a),
    cls: 'matmul',
  }),
  layerCase({
    name: 'Conv2d groups 2, dilation 2, stride 2',
    build: (o) => new Conv2d(4, 4, [3, 2], { ...o, groups: 2, dilation: 2, stride: 2 }),
    inputs: (g) => [x(g, 1, 4, 7, 6)],
    run: (m, [a]) => m.call(a),
    cls: 'matmul',
  }),
  layerCase({
    name: 'ConvTranspose2d stride 2, padding 1, outputPadding 1',
    build: (o) => new ConvTranspose2d(3, 2, 3, { ...o, stride: 2, padding: 1, outputPadding: 1 }),
    inputs: (g) => [x(g, 1, 3, 3, 3)],
    run: (m, [a]) => m.call(a),
    cls: 'matmul',
  }),
  layerCase({
    name: '2-D pooling (max, avg with padding, adaptive)',
    build: () =>
      new ModuleList<Module>([
        new MaxPool2d(2),
        new MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
        new AvgPool2d(3, { stride: 2, padding: 1 }),
        new AdaptiveAvgPool2d([2, 3]),
      ]),
    inputs: (g) => [x(g, 1, 2, 5, 6)],
    run: each,
  }),
  layerCase({
    name: '1-D pooling (max, avg without pad counting, adaptive)',
    build: () => new ModuleList<Module>([new MaxPool1d(2), new AvgPool1d(3, { stride: 2, padding: 1, countIncludePad: false }), new AdaptiveAvgPool1d(3)]),
    inputs: (g) => [x(g, 2, 3, 7)],
    run: each,
  }),
  layerCase({
    name: 'Upsample nearest ×2 (2-D)',
    build: () => new Upsample({ scaleFactor: 2 }),
    inputs: (g) => [x(g, 1, 2, 3, 3)],
    run: (m, [a]) => m.call(a),
  }),
  layerCase({ name: 'Upsample nearest to a size (1-D)', build: () => new Upsample({ size: 5 }), inputs: (g) => [x(g, 1, 2, 3)], run: (m, [a]) => m.call(a) }),
];

/** Integer class labels in `[0, classes)`, as an input without gradient. */
export const labels = (gen: Generator, classes: number, ...shape: number[]): CaseInput => ({ t: randint(0, classes, shape, { generator: gen }) });
