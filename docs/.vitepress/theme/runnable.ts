/**
 * The examples the docs site can run in the page, by id (their path under docs/examples, without
 * `.ts`). Each is the file CI runs in Node, bundled for the browser by Vite; `run` calls it with
 * the page's `log` and, for examples that read the embedded checkpoint or SST-2, URLs of the
 * site's copies (`data`). Examples that read folders through `@graft/*\/node` are not listed: they
 * say "Node only" on their pages.
 */
import { urlFiles } from '@graft/models';

/** What a run gets from the page. */
export interface RunContext {
  /** Prints a line under the example. */
  log: (line: string) => void;
  /** The URL of a path under the repository's assets/ (`models/bert-tiny-imdb-mlm`), as the site serves it. */
  data: (path: string) => string;
}

/** An example the Run button can start. */
export interface RunnableExample {
  run(ctx: RunContext): Promise<unknown>;
  /** The example registers WebGPU and chooses the device itself (the device example); the page's choice does not apply. */
  picksDevice?: boolean;
}

const model = (ctx: RunContext) => urlFiles(ctx.data('models/bert-tiny-imdb-mlm'));
const sst2 = (ctx: RunContext) => urlFiles(ctx.data('datasets/sst2'));

/** Every example the site can run, by id. */
export const runnable: Record<string, RunnableExample> = {
  'core/fit-mlp': { run: async ({ log }) => (await import('../../examples/core/fit-mlp')).fitSpirals({ log }) },
  'core/webgpu': { run: async ({ log }) => (await import('../../examples/core/webgpu')).softmaxOnBestDevice(log), picksDevice: true },
  'core/memory': { run: async ({ log }) => (await import('../../examples/core/memory')).scopesKeepMemoryFlat(log) },
  'nn/cnn': { run: async ({ log }) => (await import('../../examples/nn/cnn')).trainCnn({ log }) },
  'nn/rnn': { run: async ({ log }) => (await import('../../examples/nn/rnn')).trainBoth(log) },
  'nn/transformer': { run: async ({ log }) => (await import('../../examples/nn/transformer')).trainSorter({ log }) },
  'nn/gan': { run: async ({ log }) => (await import('../../examples/nn/gan')).trainGan({ log }) },
  'nn/gnn': { run: async ({ log }) => (await import('../../examples/nn/gnn')).trainGcn({ log }) },
  'nn/padded-batch': { run: async ({ log }) => (await import('../../examples/nn/padded-batch')).comparePadding(log) },
  'tokenizers/encode': { run: async (ctx) => (await import('../../examples/tokenizers/encode')).showTokens(model(ctx), ctx.log) },
  'models/architecture-and-weights': {
    run: async (ctx) => (await import('../../examples/models/architecture-and-weights')).architectureAndWeights(model(ctx), ctx.log),
  },
  'fine-tuning/learning-rate': { run: async (ctx) => (await import('../../examples/fine-tuning/learning-rate')).learningRatePlan(model(ctx), ctx.log) },
  'fine-tuning/methods': { run: async (ctx) => (await import('../../examples/fine-tuning/methods')).compareMethods(model(ctx), ctx.log) },
  'fine-tuning/gradual-unfreezing': {
    run: async (ctx) => (await import('../../examples/fine-tuning/gradual-unfreezing')).gradualUnfreezing(model(ctx), sst2(ctx), { log: ctx.log }),
  },
  'peft/lora-tiny': { run: async (ctx) => (await import('../../examples/peft/lora-tiny')).loraTiny(model(ctx), sst2(ctx), { log: ctx.log }) },
  'distill/loss-weights': { run: async ({ log }) => (await import('../../examples/distill/loss-weights')).lossWeights(log) },
};
