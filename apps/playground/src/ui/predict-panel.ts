/**
 * Predictions: sentences typed one per line, classified by every run chosen for comparison (the
 * selected run when none is), each with its label and the probability of every label. Adapters
 * are swapped on the one loaded base model for this, so a comparison needs no second model.
 */
import type { Prediction } from '../protocol';
import { h, replace } from './dom';
import { formatPercent } from './format';

/** Example sentences: one clear either way, one mixed. */
export const EXAMPLE_SENTENCES = [
  'a gorgeous, witty, seductive movie.',
  'the plot is nothing but boilerplate clichés from start to finish.',
  'not bad, but i expected more.',
];

/** The predictions card. */
export function predictPanel(onPredict: (texts: string[]) => void): {
  element: HTMLElement;
  show: (texts: string[], predictions: Prediction[][], labels: string[]) => void;
  setBusy: (busy: boolean, reason?: string) => void;
} {
  const input = h('textarea', { id: 'predict-input', rows: 3, spellcheck: 'false', 'aria-label': 'Sentences to classify, one per line' });
  input.value = EXAMPLE_SENTENCES.join('\n');
  const button = h(
    'button',
    {
      type: 'button',
      class: 'primary',
      'data-testid': 'predict',
      onclick: () =>
        onPredict(
          input.value
            .split('\n')
            .map((t) => t.trim())
            .filter(Boolean),
        ),
    },
    'Predict',
  );
  const reason = h('span', { class: 'muted' });
  const results = h('div', { class: 'predictions', 'data-testid': 'predictions' });
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'predict-title' },
    h('h2', { id: 'predict-title' }, 'Try it'),
    h('p', { class: 'muted' }, 'One sentence per line. Tick runs under “compare” to see them side by side.'),
    input,
    h('div', { class: 'actions' }, button, reason),
    results,
  );
  return {
    element,
    show(texts, predictions, labels) {
      const runs = predictions[0]?.map((p) => p.run) ?? [];
      replace(
        results,
        h(
          'table',
          { class: 'prediction-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', {}, 'sentence'),
              runs.map((r) => h('th', {}, r)),
            ),
          ),
          h(
            'tbody',
            {},
            texts.map((text, i) =>
              h(
                'tr',
                {},
                h('td', { class: 'sentence' }, text),
                predictions[i].map((p) =>
                  h(
                    'td',
                    { class: 'prediction', 'data-run': p.run, 'data-label': p.label, 'data-logits': JSON.stringify(p.logits) },
                    h('div', { class: 'pred-label' }, p.label, ' ', h('span', { class: 'muted' }, formatPercent(Math.max(...p.probabilities)))),
                    labels.map((label, k) =>
                      h(
                        'div',
                        { class: 'prob-row', title: `${label}: ${formatPercent(p.probabilities[k])} (logit ${p.logits[k].toFixed(3)})` },
                        h('span', { class: 'prob-label' }, label),
                        h('span', { class: 'prob-bar' }, h('span', { class: `prob-fill c${k % 6}`, style: `width:${(p.probabilities[k] * 100).toFixed(1)}%` })),
                        h('span', { class: 'prob-value' }, formatPercent(p.probabilities[k])),
                      ),
                    ),
                  ),
                ),
              ),
            ),
          ),
        ),
      );
    },
    setBusy(busy, why) {
      button.disabled = busy;
      replace(reason, busy && why ? why : '');
    },
  };
}
