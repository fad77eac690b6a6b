/**
 * The evaluation loop shared by `evaluate()` and `predict()`: every batch runs in its own scope
 * under `noGrad`, losses are summed on the device weighted by batch size (HF's mean over
 * examples), and logits and labels stay on the device until the loop ends, when they are read
 * in one go, so the loop itself never waits for the device. Batches whose logits differ in
 * length (token tasks with dynamic padding) are padded with -100, as HF's evaluation loop does.
 */
import { defaultGenerator, noGrad, scope, type Tensor } from '@graft/core';
import type { StepContext } from '@graft/nn';
import { MetricError } from '../errors';
import type { ComputeMetrics } from '../metrics/compute-metrics';
import { batchSizeOf, batchToDevice } from './batch';
import { RunningSums } from './running-sums';
import type { TrainerEvalStep } from './steps';

/** What one evaluation produced. */
export interface EvaluationResult {
  /** `<prefix>_loss`, step metrics, computed metrics, `<prefix>_runtime`, `<prefix>_samples_per_second`, `<prefix>_steps_per_second`. */
  metrics: Record<string, number>;
  /** Every logit, row-major, or null when the step returned none. */
  logits: Float32Array | null;
  logitsShape: number[];
  labels: Int32Array | null;
  labelsShape: number[];
}

/** Inputs of {@link evaluationLoop}. */
export interface EvaluationInputs<B> {
  batches: Iterable<B>;
  step: TrainerEvalStep<B>;
  device: string;
  globalStep: number;
  epoch: number;
  computeMetrics?: ComputeMetrics;
  /** The metric name prefix (`eval`, `test`). */
  prefix: string;
  /** Keep logits and labels (needed for metrics and predictions). */
  collect: boolean;
}

/** Runs the evaluation step over every batch and scores the result. */
export async function evaluationLoop<B>(o: EvaluationInputs<B>): Promise<EvaluationResult> {
  const started = performance.now();
  const sums = new RunningSums();
  const logitChunks: Tensor[] = [];
  const labelChunks: Tensor[] = [];
  let samples = 0;
  let batches = 0;
  const ctx: StepContext = { globalStep: o.globalStep, epoch: o.epoch, microStep: 0, accumulationSteps: 1, training: false, generator: defaultGenerator() };
  const it = o.batches[Symbol.iterator]();
  try {
    for (;;) {
      const done = scope(() =>
        noGrad(() => {
          const next = it.next();
          if (next.done) return true;
          const batch = batchToDevice(next.value, o.device);
          const n = batchSizeOf(batch);
          const out = o.step(batch, ctx);
          if (out.loss) sums.add('loss', out.loss, n);
          for (const [k, v] of Object.entries(out.metrics ?? {})) sums.add(k, v, n);
          if (o.collect && out.logits) logitChunks.push(out.logits.detach().keep());
          if (o.collect && out.labels) labelChunks.push(out.labels.detach().keep());
          samples += n;
          batches += 1;
          return false;
        }),
      );
      if (done) break;
    }
    const totals = await sums.read();
    const [logits, labels] = await Promise.all([readChunks(logitChunks, -100), readChunks(labelChunks, -100)]);
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(totals)) metrics[`${o.prefix}_${k}`] = v / Math.max(1, samples);
    if (o.computeMetrics && logits && labels) {
      const numLabels = logits.shape[logits.shape.length - 1];
      const computed = o.computeMetrics({ logits: Float32Array.from(logits.data), labels: Int32Array.from(labels.data), numLabels });
      for (const [k, v] of Object.entries(computed)) metrics[k.startsWith(`${o.prefix}_`) ? k : `${o.prefix}_${k}`] = v;
    }
    // HF's speed_metrics, with its rounding
    const runtime = (performance.now() - started) / 1000;
    metrics[`${o.prefix}_runtime`] = round(runtime, 4);
    metrics[`${o.prefix}_samples_per_second`] = round(samples / runtime, 3);
    metrics[`${o.prefix}_steps_per_second`] = round(batches / runtime, 3);
    return {
      metrics,
      logits: logits ? Float32Array.from(logits.data) : null,
      logitsShape: logits?.shape ?? [],
      labels: labels ? Int32Array.from(labels.data) : null,
      labelsShape: labels?.shape ?? [],
    };
  } finally {
    sums.reset();
    for (const t of [...logitChunks, ...labelChunks]) t.dispose();
  }
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Reads tensors chunk by chunk (one wait for all) and joins them along the first axis. */
async function readChunks(chunks: Tensor[], padValue: number): Promise<{ data: Float64Array; shape: number[] } | null> {
  if (chunks.length === 0) return null;
  const datas = await Promise.all(chunks.map((t) => t.data()));
  return concatRows(
    chunks.map((t, i) => ({ data: datas[i], shape: [...t.shape] })),
    padValue,
  );
}

/**
 * Joins arrays of shape `[n_i, ...rest]` along the first axis. When their second axes differ
 * (dynamic padding), each is padded there with `padValue` to the longest; every other axis must match.
 */
export function concatRows(chunks: { data: ArrayLike<number>; shape: number[] }[], padValue: number): { data: Float64Array; shape: number[] } {
  const rank = chunks[0].shape.length;
  if (rank === 0) throw new MetricError('evaluation outputs must have a batch axis; got scalars');
  for (const c of chunks) {
    if (c.shape.length !== rank || c.shape.slice(2).some((d, i) => d !== chunks[0].shape[i + 2])) {
      throw new MetricError(`evaluation outputs of batches have incompatible shapes [${chunks[0].shape.join(', ')}] and [${c.shape.join(', ')}]`);
    }
  }
  const second = rank >= 2 ? Math.max(...chunks.map((c) => c.shape[1])) : 1;
  const inner = chunks[0].shape.slice(2).reduce((a, b) => a * b, 1);
  const rows = chunks.reduce((n, c) => n + c.shape[0], 0);
  const out = new Float64Array(rows * second * inner).fill(padValue);
  let row = 0;
  for (const c of chunks) {
    const len = rank >= 2 ? c.shape[1] : 1;
    for (let b = 0; b < c.shape[0]; b++, row++) {
      const src = b * len * inner;
      const dst = row * second * inner;
      for (let j = 0; j < len * inner; j++) out[dst + j] = c.data[src + j];
    }
  }
  return { data: out, shape: rank >= 2 ? [rows, second, ...chunks[0].shape.slice(2)] : [rows] };
}
