/**
 * Step 1, the model: the embedded checkpoint, a model on the Hugging Face Hub (or a mirror with
 * the Hub's layout), or a checkpoint folder of the user's own (dropped or picked).
 */
import type { ModelInfo, ModelSource } from '../protocol';
import { compactNumber, h, replace, segmented, textField, textValue } from './dom';
import { dropZone } from './file-drop';

/** The embedded checkpoint's URL, relative to the page. */
export const EMBEDDED_MODEL_URL = 'models/bert-tiny-imdb-mlm';

type Kind = 'embedded' | 'hub' | 'files';

/** The model card. */
export function modelPanel(onLoad: (source: ModelSource) => void): {
  element: HTMLElement;
  show: (info: ModelInfo | null) => void;
  setBusy: (busy: boolean) => void;
} {
  const body = h('div', { class: 'card-body' });
  const summary = h('div', { class: 'summary', 'data-testid': 'model-summary' });
  const buttons: HTMLButtonElement[] = [];
  const button = (label: string, testId: string, onclick: () => void) => {
    const b = h('button', { type: 'button', class: 'primary', 'data-testid': testId, onclick }, label);
    buttons.push(b);
    return b;
  };
  const views: Record<Kind, () => HTMLElement> = {
    embedded: () =>
      h(
        'div',
        {},
        h(
          'p',
          { class: 'muted' },
          h('strong', {}, 'bert-tiny-imdb-mlm'),
          ': a 4.4 M-parameter BERT (2 layers, width 128) masked-LM pretrained for Graft on movie reviews. Served with this page (18 MB).',
        ),
        button('Load the embedded model', 'load-embedded', () => onLoad({ kind: 'embedded', url: EMBEDDED_MODEL_URL })),
      ),
    hub: () =>
      h(
        'div',
        { class: 'stack' },
        textField('Repository', 'hub-repo', '', {
          placeholder: 'org/model, e.g. prajjwal1/bert-tiny',
          hint: 'A BERT, DistilBERT or RoBERTa with model.safetensors',
        }),
        h(
          'details',
          { class: 'advanced' },
          h('summary', {}, 'Hub address and revision'),
          textField('Hub address', 'hub-endpoint', 'https://huggingface.co', {
            hint: 'A mirror works if it serves <address>/<repo>/resolve/<revision>/<file> with CORS',
          }),
          textField('Revision', 'hub-revision', 'main'),
        ),
        button('Load from the Hub', 'load-hub', () =>
          onLoad({
            kind: 'hub',
            repo: textValue(body, 'hub-repo'),
            endpoint: textValue(body, 'hub-endpoint'),
            revision: textValue(body, 'hub-revision') || 'main',
          }),
        ),
      ),
    files: () =>
      h(
        'div',
        {},
        dropZone({ what: 'a checkpoint folder', folder: true, multiple: true, inputId: 'model-files', onFiles: (files) => onLoad({ kind: 'files', files }) }),
        h(
          'p',
          { class: 'field-hint' },
          'config.json, model.safetensors and the tokenizer files (tokenizer.json or vocab.txt), as save_pretrained writes them.',
        ),
      ),
  };
  const show = (kind: Kind) => {
    buttons.length = 0;
    replace(body, views[kind]());
  };
  show('embedded');
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'model-title' },
    h('h2', { id: 'model-title' }, h('span', { class: 'step' }, '1'), 'Model'),
    segmented<Kind>(
      'model-kind',
      [
        { value: 'embedded', label: 'Embedded' },
        { value: 'hub', label: 'Hub', title: 'A model on the Hugging Face Hub, or a mirror with its layout' },
        { value: 'files', label: 'Your files' },
      ],
      'embedded',
      show,
    ),
    body,
    summary,
  );
  return {
    element,
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
            ` · ${info.modelType} · ${info.layers} layers · width ${info.hiddenSize} · ${compactNumber(info.parameters)} parameters`,
          ),
        ),
      );
    },
    setBusy(busy) {
      for (const b of buttons) b.disabled = busy;
    },
  };
}
