/**
 * Step 2, the data: the SST-2 sample served with the page, or a CSV/TSV/JSONL/JSON/Parquet file
 * of the user's, with how many rows to train and evaluate on, the maximum length in tokens, and
 * (optionally) which columns hold the text and the label.
 */
import type { DataInfo, DataOptions, DataSource } from '../protocol';
import { h, numberField, numberValue, replace, segmented, textField, textValue } from './dom';
import { dropZone } from './file-drop';

/** The SST-2 sample's files, relative to the page. */
export const SST2_URLS = { trainUrl: 'datasets/sst2/train.tsv', devUrl: 'datasets/sst2/dev.tsv' };

type Kind = 'sst2' | 'file';

/** The data card. */
export function dataPanel(onLoad: (source: DataSource, options: DataOptions) => void): {
  element: HTMLElement;
  show: (info: DataInfo | null) => void;
  setBusy: (busy: boolean) => void;
  options: () => DataOptions;
} {
  let kind: Kind = 'sst2';
  let file: File | null = null;
  const fileLine = h('p', { class: 'muted', 'data-testid': 'data-file' }, 'No file chosen yet.');
  const sourceBody = h('div', { class: 'card-body' });
  const views: Record<Kind, () => HTMLElement> = {
    sst2: () =>
      h(
        'p',
        { class: 'muted' },
        h('strong', {}, 'SST-2'),
        ' (Stanford Sentiment Treebank, GLUE): 4,000 movie-review phrases labelled negative or positive, and the 872 sentences of the dev split for evaluation.',
      ),
    file: () =>
      h(
        'div',
        {},
        dropZone({
          what: 'a CSV or JSONL file',
          accept: '.csv,.tsv,.tab,.jsonl,.ndjson,.json,.parquet,.gz',
          inputId: 'data-file-input',
          onFiles: ([f]) => {
            file = f ?? null;
            replace(fileLine, file ? h('span', {}, 'Chosen: ', h('strong', {}, file.name), ` (${(file.size / 1024).toFixed(1)} KB)`) : 'No file chosen yet.');
          },
        }),
        fileLine,
      ),
  };
  const show = (k: Kind) => {
    kind = k;
    replace(sourceBody, views[k]());
  };
  show('sst2');
  const settings = h(
    'div',
    { class: 'grid-3' },
    numberField('Training rows', 'train-samples', 2000, { min: 1, step: 1 }),
    numberField('Evaluation rows', 'eval-samples', 200, { min: 1, step: 1 }),
    numberField('Max length', 'max-length', 64, { min: 8, max: 512, step: 1, hint: 'tokens' }),
  );
  const columns = h(
    'details',
    { class: 'advanced' },
    h('summary', {}, 'Columns'),
    h(
      'div',
      { class: 'grid-2' },
      textField('Text column', 'text-column', '', { placeholder: 'auto: text, sentence, review…' }),
      textField('Label column', 'label-column', '', { placeholder: 'auto: label, sentiment…' }),
    ),
  );
  const options = (): DataOptions => ({
    trainSamples: numberValue(settings, 'train-samples') || undefined,
    evalSamples: numberValue(settings, 'eval-samples') || undefined,
    maxLength: numberValue(settings, 'max-length') || 64,
    textColumn: textValue(columns, 'text-column') || undefined,
    labelColumn: textValue(columns, 'label-column') || undefined,
    seed: 0,
  });
  const load = h(
    'button',
    {
      type: 'button',
      class: 'primary',
      'data-testid': 'load-data',
      onclick: () => {
        if (kind === 'sst2') onLoad({ kind: 'sst2', ...SST2_URLS }, options());
        else if (file) onLoad({ kind: 'file', file }, options());
        else replace(fileLine, h('span', { class: 'warn' }, 'Choose a file first.'));
      },
    },
    'Load data',
  );
  const summary = h('div', { class: 'summary', 'data-testid': 'data-summary' });
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'data-title' },
    h('h2', { id: 'data-title' }, h('span', { class: 'step' }, '2'), 'Data'),
    segmented<Kind>(
      'data-kind',
      [
        { value: 'sst2', label: 'SST-2 sample' },
        { value: 'file', label: 'Your file' },
      ],
      'sst2',
      show,
    ),
    sourceBody,
    settings,
    columns,
    h('div', { class: 'actions' }, load),
    summary,
  );
  return {
    element,
    options,
    show(info) {
      if (!info) return replace(summary);
      replace(
        summary,
        h(
          'div',
          { class: 'summary-line' },
          h('span', { class: 'ok-mark', 'aria-hidden': 'true' }, '✓'),
          h('strong', {}, info.description),
          h(
            'span',
            { class: 'muted' },
            ` · ${info.trainRows.toLocaleString('en-US')} training rows · ${info.evalRows.toLocaleString('en-US')} evaluation rows (${info.evalSource})`,
          ),
        ),
        h(
          'div',
          { class: 'label-chips' },
          info.labels.map((l) => h('span', { class: 'chip' }, l)),
        ),
        h(
          'table',
          { class: 'preview' },
          h(
            'tbody',
            {},
            info.preview.map((r) => h('tr', {}, h('td', { class: 'preview-text' }, r.text), h('td', {}, h('span', { class: 'chip small' }, r.label)))),
          ),
        ),
      );
    },
    setBusy(busy) {
      load.disabled = busy;
    },
  };
}
