/**
 * The training view: the run's state, a progress bar with the step, epoch, speed and time left,
 * the loss and accuracy curves, and every logged value in a table (the numbers behind the curves).
 */
import type { RunView } from '../run-view';
import { CurveChart, type StepPoints } from './charts';
import { h, replace } from './dom';
import { formatDuration, formatMetric, formatRate } from './format';

const STATE_LABELS: Record<RunView['state'], string> = {
  starting: 'Starting',
  running: 'Training',
  paused: 'Paused',
  saving: 'Saving',
  done: 'Finished',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

/** The training card. */
export function progressPanel(): { element: HTMLElement; show: (run: RunView | null) => void } {
  const title = h('h2', { id: 'progress-title' }, 'Training');
  const chip = h('span', { class: 'state-chip', 'data-testid': 'run-state' });
  const bar = h('div', { class: 'bar-fill' });
  const barText = h('div', { class: 'bar-text', 'data-testid': 'progress-text' });
  const stats = h('dl', { class: 'stats' });
  const loss = new CurveChart(
    'Loss',
    [
      { label: 'training', color: '#4f46e5' },
      { label: 'evaluation', color: '#f59e0b', dash: true },
    ],
    { testId: 'loss-chart' },
  );
  const accuracy = new CurveChart(
    'Evaluation',
    [
      { label: 'accuracy', color: '#059669' },
      { label: 'F1', color: '#0ea5e9', dash: true },
    ],
    { yRange: [0, 1], testId: 'accuracy-chart' },
  );
  const logBody = h('tbody', { 'data-testid': 'log-rows' });
  const element = h(
    'section',
    { class: 'card training', 'aria-labelledby': 'progress-title' },
    h('div', { class: 'card-head' }, title, chip),
    h(
      'div',
      { class: 'bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-labelledby': 'progress-title', 'data-testid': 'progress' },
      bar,
      barText,
    ),
    stats,
    h('div', { class: 'charts' }, loss.element, accuracy.element),
    h(
      'details',
      { class: 'advanced log' },
      h('summary', {}, 'Logged values'),
      h(
        'table',
        { class: 'log-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, 'step'),
            h('th', {}, 'loss'),
            h('th', {}, 'learning rate'),
            h('th', {}, 'eval loss'),
            h('th', {}, 'accuracy'),
            h('th', {}, 'F1'),
          ),
        ),
        logBody,
      ),
    ),
  );
  const progressbar = element.querySelector('[role="progressbar"]') as HTMLElement;
  return {
    element,
    show(run) {
      if (!run) {
        replace(title, 'Training');
        chip.hidden = true;
        bar.style.width = '0%';
        replace(barText, 'No run yet: load a model and data, then start one.');
        replace(stats);
        loss.setData(new Map());
        accuracy.setData(new Map());
        replace(logBody);
        return;
      }
      replace(title, 'Training ', h('span', { class: 'run-name' }, run.spec.name));
      chip.hidden = false;
      chip.className = `state-chip ${run.state}`;
      chip.dataset.state = run.state;
      replace(chip, STATE_LABELS[run.state]);
      const pct = run.totalSteps > 0 ? Math.min(100, (run.step / run.totalSteps) * 100) : 0;
      bar.style.width = `${pct}%`;
      progressbar.setAttribute('aria-valuenow', pct.toFixed(0));
      replace(barText, `step ${run.step} of ${run.totalSteps || '…'} · ${pct.toFixed(0)}%`);
      const lastTrain = [...run.history].reverse().find((e) => e.loss !== undefined);
      const lastEval = [...run.history].reverse().find((e) => e.eval_accuracy !== undefined);
      const item = (term: string, value: string, testId?: string) => [h('dt', {}, term), h('dd', { 'data-testid': testId }, value)];
      replace(
        stats,
        item('epoch', run.epoch.toFixed(2)),
        item('time left', run.state === 'running' ? formatDuration(run.etaSeconds) : '—', 'eta'),
        item('speed', run.samplesPerSecond ? `${run.samplesPerSecond.toFixed(1)} samples/s` : '—'),
        item('loss', formatMetric(lastTrain?.loss), 'last-loss'),
        item('accuracy', formatMetric(lastEval?.eval_accuracy), 'last-accuracy'),
        item('checkpoint', run.checkpointStep !== null ? `step ${run.checkpointStep}` : '—', 'checkpoint'),
        run.spec.method === 'gradual' ? item('stages open', String(1 + run.unfrozen.length), 'stages-open') : [],
      );
      const lossPoints: StepPoints = new Map();
      const evalPoints: StepPoints = new Map();
      for (const e of run.history) {
        if (e.loss !== undefined) lossPoints.set(e.step, [e.loss, lossPoints.get(e.step)?.[1] ?? null]);
        if (e.eval_loss !== undefined) {
          lossPoints.set(e.step, [lossPoints.get(e.step)?.[0] ?? null, e.eval_loss]);
          evalPoints.set(e.step, [e.eval_accuracy ?? null, e.eval_f1 ?? null]);
        }
      }
      loss.setData(lossPoints);
      accuracy.setData(evalPoints);
      replace(
        logBody,
        run.history
          .filter((e) => e.loss !== undefined || e.eval_loss !== undefined)
          .map((e) =>
            h(
              'tr',
              { 'data-step': e.step, 'data-loss': e.loss, 'data-eval-loss': e.eval_loss },
              h('td', {}, String(e.step)),
              h('td', { class: 'loss' }, formatMetric(e.loss)),
              h('td', {}, e.learning_rate !== undefined ? formatRate(e.learning_rate) : '—'),
              h('td', {}, formatMetric(e.eval_loss)),
              h('td', { class: 'accuracy' }, formatMetric(e.eval_accuracy)),
              h('td', {}, formatMetric(e.eval_f1)),
            ),
          ),
      );
    },
  };
}
