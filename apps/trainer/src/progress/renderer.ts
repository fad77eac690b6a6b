/**
 * Draws a run's progress from the Trainer's events: a bar with loss, rate and ETA on a terminal
 * (cli-progress), plain lines when stderr is a file or a pipe (CI logs, `2> log`), nothing under
 * `--quiet`. The rate and ETA come from {@link EtaEstimator} (after warm-up, evaluation
 * excluded), never from cli-progress's own estimate, which counts evaluation pauses.
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { EtaEstimator, formatDuration } from './eta';

/** A step as the renderer sees it. */
export interface ProgressStep {
  /** Optimizer steps done. */
  step: number;
  /** Fractional epoch (HF's `state.epoch`). */
  epoch?: number;
  /** The latest logged training loss. */
  loss?: number;
  learningRate?: number;
}

/** What commands call while a run goes on. */
export interface ProgressRenderer {
  begin(totalSteps: number, label: string): void;
  step(s: ProgressStep): void;
  evaluationBegin(): void;
  evaluationEnd(): void;
  /** A line above the bar (evaluation results, checkpoint saved). */
  log(line: string): void;
  end(): void;
  /** Steps per second after warm-up, evaluation excluded (for the summary). */
  rate(): number | undefined;
}

/** Where progress goes. */
export interface ProgressTarget {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

const fmt = (x: number | undefined, digits = 4) => (x === undefined || !Number.isFinite(x) ? '--' : x.toFixed(digits));
const fmtLr = (x: number | undefined) => (x === undefined ? '--' : x.toExponential(2));

/** The fields every renderer shows, as text. */
function fields(s: ProgressStep, eta: EtaEstimator, samplesPerStep: number) {
  const rate = eta.rate();
  return {
    epoch: s.epoch === undefined ? '--' : s.epoch.toFixed(2),
    loss: fmt(s.loss),
    lr: fmtLr(s.learningRate),
    rate: rate === undefined ? '--' : samplesPerStep > 1 ? `${(rate * samplesPerStep).toFixed(1)} samples/s` : `${rate.toFixed(2)} steps/s`,
    eta: formatDuration(eta.etaSeconds()),
  };
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  target: ProgressTarget;
  quiet?: boolean;
  /** Samples per optimizer step, to show samples/s (1 shows steps/s). */
  samplesPerStep?: number;
  /** Plain-line mode: print every this many steps (default: about 20 lines per run). */
  every?: number;
  /** Force a mode (tests); default from `target.isTTY`. */
  mode?: 'bar' | 'lines' | 'none';
}

/** A renderer for `target`: a bar on a terminal, lines otherwise, none when quiet. */
export function createProgress(opts: ProgressOptions): ProgressRenderer {
  const mode = opts.mode ?? (opts.quiet ? 'none' : opts.target.isTTY ? 'bar' : 'lines');
  const samplesPerStep = opts.samplesPerStep ?? 1;
  let eta = new EtaEstimator({ totalSteps: 0 });
  let total = 0;
  let last: ProgressStep = { step: 0 };
  let every = opts.every ?? 1;
  let multi: MultiBar | null = null;
  let bar: SingleBar | null = null;

  return {
    begin(totalSteps, label) {
      total = totalSteps;
      eta = new EtaEstimator({ totalSteps });
      every = opts.every ?? Math.max(1, Math.ceil(totalSteps / 20));
      if (mode === 'bar') {
        multi = new MultiBar(
          {
            stream: opts.target as NodeJS.WritableStream,
            format: `${label} {bar} {value}/{total} | epoch {epoch} | loss {loss} | lr {lr} | {rate} | ETA {eta}`,
            hideCursor: true,
            clearOnComplete: false,
            barsize: Math.max(10, Math.min(30, (opts.target.columns ?? 100) - 90)),
            fps: 5,
          },
          Presets.shades_classic,
        );
        bar = multi.create(totalSteps, 0, fields(last, eta, samplesPerStep));
      } else if (mode === 'lines') opts.target.write(`${label}: ${totalSteps} steps\n`);
    },
    step(s) {
      last = { ...last, ...Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) };
      eta.update(s.step);
      const f = fields(last, eta, samplesPerStep);
      if (mode === 'bar') bar?.update(s.step, f);
      else if (mode === 'lines' && (s.step % every === 0 || s.step === total)) {
        opts.target.write(`step ${s.step}/${total}  epoch ${f.epoch}  loss ${f.loss}  lr ${f.lr}  ${f.rate}  eta ${f.eta}\n`);
      }
    },
    evaluationBegin() {
      eta.pause();
    },
    evaluationEnd() {
      eta.resume();
    },
    log(line) {
      if (mode === 'bar' && multi) multi.log(`${line}\n`);
      else if (mode === 'lines') opts.target.write(`${line}\n`);
    },
    end() {
      if (multi) {
        multi.stop();
        multi = null;
        bar = null;
      }
    },
    rate: () => eta.rate(),
  };
}
