/**
 * The runs: each with its method, trainable share, steps and last accuracy; a click shows its
 * curves; adapters download in PEFT's format, every run as a merged Hugging Face checkpoint; a
 * check box puts a run into the comparison of predictions.
 */
import { lastAccuracy, type RunView } from '../run-view';
import { compactNumber, h, replace } from './dom';
import { formatMetric } from './format';

const METHOD_LABELS = { lora: 'LoRA', full: 'Full', head: 'Head only', gradual: 'Gradual' } as const;

/** The runs card. */
export function runsPanel(handlers: {
  select: (name: string) => void;
  downloadAdapter: (name: string) => void;
  downloadMerged: (name: string) => void;
  compare: (name: string, on: boolean) => void;
}): { element: HTMLElement; show: (runs: RunView[], selected: string | null, compared: ReadonlySet<string>, busy: boolean) => void } {
  const body = h('tbody', {});
  const empty = h('p', { class: 'muted' }, 'Runs appear here. LoRA runs are adapters on one shared base model: train several and compare them below.');
  const table = h(
    'table',
    { class: 'runs-table', 'data-testid': 'runs' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'compare'),
        h('th', {}, 'run'),
        h('th', {}, 'method'),
        h('th', {}, 'trains'),
        h('th', {}, 'steps'),
        h('th', {}, 'accuracy'),
        h('th', {}, 'download'),
      ),
    ),
    body,
  );
  const element = h('section', { class: 'card', 'aria-labelledby': 'runs-title' }, h('h2', { id: 'runs-title' }, 'Runs'), empty, table);
  return {
    element,
    show(runs, selected, compared, busy) {
      empty.hidden = runs.length > 0;
      table.hidden = runs.length === 0;
      replace(
        body,
        runs.map((run) => {
          const name = run.spec.name;
          const usable = run.info !== null && ['done', 'cancelled', 'paused', 'failed'].includes(run.state) && !busy;
          const share = run.info ? `${compactNumber(run.info.trainable)} (${((100 * run.info.trainable) / run.info.total).toFixed(1)}%)` : '—';
          return h(
            'tr',
            { class: name === selected ? 'selected' : '', 'data-run': name },
            h(
              'td',
              {},
              h('input', {
                type: 'checkbox',
                'aria-label': `compare ${name}`,
                checked: compared.has(name),
                disabled: run.info === null,
                onchange: (e: Event) => handlers.compare(name, (e.target as HTMLInputElement).checked),
              }),
            ),
            h('td', {}, h('button', { type: 'button', class: 'link run-link', onclick: () => handlers.select(name) }, name)),
            h('td', {}, METHOD_LABELS[run.spec.method], run.info?.adapter ? h('span', { class: 'chip small' }, 'adapter') : null),
            h('td', {}, share),
            h('td', {}, `${run.step}${run.totalSteps ? ` / ${run.totalSteps}` : ''}`),
            h('td', {}, formatMetric(lastAccuracy(run))),
            h(
              'td',
              { class: 'downloads' },
              run.info?.adapter
                ? h(
                    'button',
                    {
                      type: 'button',
                      class: 'small',
                      disabled: !usable,
                      'data-testid': `download-adapter-${name}`,
                      onclick: () => handlers.downloadAdapter(name),
                    },
                    'Adapter',
                  )
                : null,
              h(
                'button',
                { type: 'button', class: 'small', disabled: !usable, 'data-testid': `download-merged-${name}`, onclick: () => handlers.downloadMerged(name) },
                'Merged',
              ),
            ),
          );
        }),
      );
    },
  };
}
