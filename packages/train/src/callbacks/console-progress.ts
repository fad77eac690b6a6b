/**
 * A plain-text progress renderer: one line per log, evaluation and checkpoint (and every
 * `everySteps` steps, if asked), written with `write` (default `console.log`). It draws no bars
 * and moves no cursor, so its output reads the same in a terminal, a CI log and a file.
 */
import type { ProgressEvent, ProgressRenderer } from './progress';
import { formatDuration } from './throughput';

/** Options of {@link consoleProgress}. */
export interface ConsoleProgressOptions {
  /** Where lines go (default `console.log`). */
  write?: (line: string) => void;
  /** Also print a status line every this many steps (default 0: only at logs). */
  everySteps?: number;
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(4) : v.toExponential(2));

/** A {@link ProgressRenderer} that prints lines. */
export function consoleProgress(opts: ConsoleProgressOptions = {}): ProgressRenderer {
  const write = opts.write ?? ((line: string) => console.log(line));
  const every = opts.everySteps ?? 0;
  let last: Extract<ProgressEvent, { kind: 'step' }> | null = null;
  const status = (s: Extract<ProgressEvent, { kind: 'step' }>) => {
    const pct = Math.floor((100 * s.step) / Math.max(1, s.totalSteps));
    const parts = [`step ${s.step}/${s.totalSteps} (${pct}%)`, `epoch ${s.epoch.toFixed(2)}`];
    if (s.loss !== null) parts.push(`loss ${fmt(s.loss)}`);
    if (s.learningRate !== null) parts.push(`lr ${s.learningRate.toExponential(2)}`);
    if (s.stepsPerSecond !== null) parts.push(`${s.stepsPerSecond.toFixed(2)} steps/s`, `${s.samplesPerSecond!.toFixed(1)} samples/s`);
    parts.push(s.etaSeconds === null ? 'ETA …' : `ETA ${formatDuration(s.etaSeconds)}`);
    return parts.join(' · ');
  };
  return (e) => {
    switch (e.kind) {
      case 'train_begin':
        write(`training ${e.totalSteps} steps over ${e.numEpochs} epoch(s)${e.step > 0 ? `, resuming at step ${e.step}` : ''}`);
        break;
      case 'step':
        last = e;
        if (every > 0 && e.step % every === 0) write(status(e));
        break;
      case 'log':
        if (last && e.entry.loss !== undefined) write(status({ ...last, loss: e.entry.loss, learningRate: e.entry.learning_rate ?? last.learningRate }));
        break;
      case 'evaluate':
        write(
          `evaluation at step ${e.step}: ${Object.entries(e.metrics)
            .filter(([k]) => !/_(runtime|per_second)$/.test(k))
            .map(([k, v]) => `${k} ${fmt(v)}`)
            .join(', ')}`,
        );
        break;
      case 'save':
        write(`saved ${e.checkpoint}`);
        break;
      case 'train_end':
        write(`done: ${e.step} steps in ${formatDuration(e.elapsedSeconds)}`);
        break;
    }
  };
}
