/**
 * Draws the Trainer's progress events (@graft/train's `ProgressCallback`, whose throughput
 * estimate leaves out warm-up steps and the time spent logging, evaluating and saving): a bar
 * with loss, rate and ETA on a terminal (cli-progress), plain lines when stderr is a file or a
 * pipe (CI logs, `2> log`), nothing under `--quiet`. Evaluation results are printed above the bar.
 */
import { formatDuration, type ProgressEvent, type ProgressRenderer } from '@graft/train';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { formatShare } from '../share';

/** Where progress goes. */
export interface ProgressTarget {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  target: ProgressTarget;
  quiet?: boolean;
  /** A word for the bar (`train`, `pretrain`). */
  label: string;
  /** Plain-line mode: print every this many steps (default: about 20 lines per run). */
  every?: number;
  /** Force a mode (tests); default from `target.isTTY`. */
  mode?: 'bar' | 'lines' | 'none';
  /** What trains now, shown as a share on every progress line (it grows during gradual unfreezing). */
  trainable?: () => { trainable: number; all: number; percent: number };
}

/** A renderer for the Trainer's `ProgressCallback`, which also remembers the last measured speed. */
export interface CliProgress {
  render: ProgressRenderer;
  /** The last speed the Trainer measured (after warm-up, evaluation excluded), or null. */
  readonly stepsPerSecond: number | null;
  readonly samplesPerSecond: number | null;
  /** Prints a line above the bar (or as a line), unless quiet. */
  note(line: string): void;
  /** Stops the bar (also done on `train_end`). */
  stop(): void;
}

/** Metrics shown in evaluation lines, in this order when present. */
const SHOWN = ['accuracy', 'f1', 'loss', 'perplexity'];

/** `accuracy 0.8012  f1 0.8100  loss 0.4410` from metrics with or without an `eval_` prefix. */
export function formatMetrics(metrics: Readonly<Record<string, number>>): string {
  const parts: string[] = [];
  for (const name of SHOWN) {
    const key = Object.keys(metrics).find((k) => k === name || k.replace(/^(eval|test)_/, '') === name);
    if (key !== undefined) parts.push(`${name} ${metrics[key].toFixed(4)}`);
  }
  return parts.join('  ');
}

const num = (x: number | null, digits = 4) => (x === null || !Number.isFinite(x) ? '--' : x.toFixed(digits));
const lr = (x: number | null) => (x === null ? '--' : x.toExponential(2));
const speed = (samples: number | null) => (samples === null ? '--' : `${samples.toFixed(1)} samples/s`);
const eta = (s: number | null) => (s === null ? '--' : formatDuration(s));

/** A renderer for `target`: a bar on a terminal, lines otherwise, none when quiet. */
export function createProgress(opts: ProgressOptions): CliProgress {
  const mode = opts.mode ?? (opts.quiet ? 'none' : opts.target.isTTY ? 'bar' : 'lines');
  let multi: MultiBar | null = null;
  let bar: SingleBar | null = null;
  let every = opts.every ?? 1;
  let stepsPerSecond: number | null = null;
  let samplesPerSecond: number | null = null;
  const stop = () => {
    multi?.stop();
    multi = null;
    bar = null;
  };
  const above = (line: string) => {
    if (mode === 'bar' && multi) {
      multi.log(`${line}\n`);
      // cli-progress prints logged lines on its next redraw; draw now so the line is not lost if the bar stops first
      multi.update();
    } else if (mode !== 'none') opts.target.write(`${line}\n`);
  };

  const share = () => (opts.trainable ? formatShare(opts.trainable().percent) : null);
  const render: ProgressRenderer = (e: ProgressEvent) => {
    switch (e.kind) {
      case 'train_begin':
        every = opts.every ?? Math.max(1, Math.ceil(e.totalSteps / 20));
        if (mode === 'bar') {
          multi = new MultiBar(
            {
              stream: opts.target as NodeJS.WritableStream,
              format: `${opts.label} {bar} {value}/{total} | epoch {epoch} | loss {loss} | lr {lr}${opts.trainable ? ' | trainable {trainable}' : ''} | {speed} | ETA {eta}`,
              hideCursor: true,
              barsize: Math.max(10, Math.min(30, (opts.target.columns ?? 100) - (opts.trainable ? 115 : 95))),
              fps: 5,
            },
            Presets.shades_classic,
          );
          bar = multi.create(e.totalSteps, e.step, { epoch: '--', loss: '--', lr: '--', trainable: share() ?? '--', speed: '--', eta: '--' });
        } else if (mode === 'lines') {
          opts.target.write(
            `${opts.label}: ${e.totalSteps} steps, ${e.numEpochs} epoch(s) of ${e.stepsPerEpoch} batches${e.step > 0 ? `, resuming at step ${e.step}` : ''}\n`,
          );
        }
        break;
      case 'step':
        stepsPerSecond = e.stepsPerSecond;
        samplesPerSecond = e.samplesPerSecond;
        if (mode === 'bar')
          bar?.update(e.step, {
            epoch: e.epoch.toFixed(2),
            loss: num(e.loss),
            lr: lr(e.learningRate),
            trainable: share() ?? '--',
            speed: speed(e.samplesPerSecond),
            eta: eta(e.etaSeconds),
          });
        else if (mode === 'lines' && (e.step % every === 0 || e.step === e.totalSteps)) {
          opts.target.write(
            `step ${e.step}/${e.totalSteps}  epoch ${e.epoch.toFixed(2)}  loss ${num(e.loss)}  lr ${lr(e.learningRate)}${opts.trainable ? `  trainable ${share()}` : ''}  ${speed(e.samplesPerSecond)}  eta ${eta(e.etaSeconds)}\n`,
          );
        }
        break;
      case 'evaluate':
        above(`evaluation at step ${e.step}: ${formatMetrics(e.metrics)}`);
        break;
      case 'train_end':
        stop();
        if (mode !== 'none') opts.target.write(`${opts.label}: ${e.step} steps in ${formatDuration(e.elapsedSeconds)}\n`);
        break;
      default:
        break;
    }
  };
  return {
    render,
    get stepsPerSecond() {
      return stepsPerSecond;
    },
    get samplesPerSecond() {
      return samplesPerSecond;
    },
    note: above,
    stop,
  };
}
