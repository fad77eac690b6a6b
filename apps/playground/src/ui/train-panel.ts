/**
 * Step 3, fine-tuning: the method (LoRA, full fine-tuning, head only, gradual unfreezing), its
 * settings and the Trainer's, and the run's controls (start, pause/resume, cancel). The learning
 * rate follows the method until the user edits it: LoRA trains few weights from zero and wants a
 * larger rate (1e-3) than full fine-tuning (1e-4, about the pretraining rate / 10).
 */
import type { Method, RunSpec, TrainSettings } from '../protocol';
import { h, numberField, numberValue, replace, segmented, textField, textValue } from './dom';

/** The default learning rate of each method. */
export const DEFAULT_RATES: Record<Method, number> = { lora: 1e-3, full: 1e-4, head: 1e-3, gradual: 1e-4 };

/** What each method trains, in a line. */
const METHOD_NOTES: Record<Method, string> = {
  lora: 'Low-rank adapters on the attention projections; the base model stays frozen and shared, so several adapters can be kept and swapped.',
  full: 'Every weight trains. The most capable, and the most memory: a copy of the model, its gradients and two optimizer moments.',
  head: 'Only the classifier head trains; the pretrained encoder (with BERT’s pooler) is frozen.',
  gradual: 'ULMFiT: the head trains first, then the top layer (with the pooler), then one more layer below every few steps, the embeddings last.',
};

/** The run controls' state. */
export type ControlState = 'idle' | 'running' | 'paused' | 'stopping';

/** The fine-tuning card. */
export function trainPanel(
  available: ReadonlySet<Method>,
  handlers: { start: (spec: RunSpec) => void; pause: () => void; resume: () => void; cancel: () => void },
): { element: HTMLElement; setState: (s: ControlState, canStart: boolean) => void; suggestName: (name: string) => void } {
  let method: Method = 'lora';
  let rateEdited = false;
  const lora = h(
    'div',
    { class: 'grid-3' },
    numberField('Rank r', 'lora-r', 8, { min: 1, step: 1 }),
    numberField('Alpha', 'lora-alpha', 16, { min: 1, step: 1 }),
    numberField('Dropout', 'lora-dropout', 0.1, { min: 0, max: 0.9, step: 0.05 }),
    h('div', { class: 'span-3' }, textField('Target modules', 'lora-targets', 'query, value', { hint: 'names, comma-separated, or all-linear' })),
  );
  const gradual = h('div', { class: 'grid-3', hidden: true }, numberField('Unfreeze every', 'unfreeze-every', 10, { min: 1, step: 1, hint: 'steps' }));
  const note = h('p', { class: 'muted method-note' }, METHOD_NOTES.lora);
  const rate = numberField('Learning rate', 'learning-rate', DEFAULT_RATES.lora, { min: 0, step: 'any' });
  rate.querySelector('input')!.addEventListener('input', () => {
    rateEdited = true;
  });
  const common = h(
    'div',
    { class: 'grid-3' },
    rate,
    numberField('Epochs', 'epochs', 1, { min: 0.01, step: 'any' }),
    numberField('Max steps', 'max-steps', 0, { min: 0, step: 1, hint: '0: all epochs' }),
    numberField('Batch size', 'batch-size', 16, { min: 1, step: 1 }),
    numberField('Warmup ratio', 'warmup-ratio', 0.1, { min: 0, max: 1, step: 0.05 }),
    numberField('Weight decay', 'weight-decay', 0.01, { min: 0, step: 0.01 }),
  );
  const schedule = h(
    'details',
    { class: 'advanced' },
    h('summary', {}, 'Logging, evaluation, checkpoints'),
    h(
      'div',
      { class: 'grid-3' },
      numberField('Log every', 'logging-steps', 5, { min: 1, step: 1, hint: 'steps' }),
      numberField('Evaluate every', 'eval-steps', 25, { min: 1, step: 1, hint: 'steps' }),
      numberField('Checkpoint every', 'save-steps', 25, { min: 1, step: 1, hint: 'steps, to this browser' }),
      numberField('Seed', 'seed', 42, { min: 0, step: 1 }),
    ),
  );
  const name = textField('Run name', 'run-name', 'lora-1', { hint: 'an adapter’s name: letters, digits, - and _' });
  const setMethod = (m: Method) => {
    method = m;
    lora.hidden = m !== 'lora';
    gradual.hidden = m !== 'gradual';
    replace(note, METHOD_NOTES[m]);
    if (!rateEdited) (rate.querySelector('input') as HTMLInputElement).value = String(DEFAULT_RATES[m]);
    const input = name.querySelector('input') as HTMLInputElement;
    input.value = input.value.replace(/^(lora|full|head|gradual)-/, `${m}-`);
  };
  const settings = (): TrainSettings => ({
    learningRate: numberValue(common, 'learning-rate'),
    numTrainEpochs: numberValue(common, 'epochs'),
    maxSteps: numberValue(common, 'max-steps') || 0,
    batchSize: numberValue(common, 'batch-size'),
    warmupRatio: numberValue(common, 'warmup-ratio'),
    weightDecay: numberValue(common, 'weight-decay'),
    loggingSteps: numberValue(schedule, 'logging-steps'),
    evalSteps: numberValue(schedule, 'eval-steps'),
    saveSteps: numberValue(schedule, 'save-steps'),
    seed: numberValue(schedule, 'seed'),
    unfreezeEvery: numberValue(gradual, 'unfreeze-every'),
  });
  const spec = (): RunSpec => {
    const targets = textValue(lora, 'lora-targets');
    return {
      name: textValue(name, 'run-name') || `${method}-1`,
      method,
      lora: {
        r: numberValue(lora, 'lora-r'),
        alpha: numberValue(lora, 'lora-alpha'),
        dropout: numberValue(lora, 'lora-dropout'),
        targets:
          targets === 'all-linear'
            ? 'all-linear'
            : targets
                .split(',')
                .map((t) => t.trim())
                .filter(Boolean),
      },
      train: settings(),
    };
  };
  const start = h('button', { type: 'button', class: 'primary', 'data-testid': 'start', onclick: () => handlers.start(spec()) }, 'Start training');
  const pause = h(
    'button',
    { type: 'button', 'data-testid': 'pause', onclick: () => (pause.dataset.mode === 'resume' ? handlers.resume() : handlers.pause()) },
    'Pause',
  );
  const cancel = h('button', { type: 'button', class: 'danger', 'data-testid': 'cancel', onclick: handlers.cancel }, 'Cancel');
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'train-title' },
    h('h2', { id: 'train-title' }, h('span', { class: 'step' }, '3'), 'Fine-tune'),
    segmented<Method>(
      'method',
      (['lora', 'full', 'head', 'gradual'] as const).map((m) => ({
        value: m,
        label: { lora: 'LoRA', full: 'Full', head: 'Head only', gradual: 'Gradual' }[m],
        title: available.has(m) ? METHOD_NOTES[m] : 'Not available in this build',
      })),
      'lora',
      setMethod,
    ),
    note,
    lora,
    gradual,
    common,
    schedule,
    name,
    h('div', { class: 'actions' }, start, pause, cancel),
  );
  for (const input of Array.from(element.querySelectorAll<HTMLInputElement>('input[name="method"]'))) input.disabled = !available.has(input.value as Method);
  return {
    element,
    setState(s, canStart) {
      start.disabled = s !== 'idle' || !canStart;
      pause.disabled = s === 'idle' || s === 'stopping';
      cancel.disabled = s === 'idle' || s === 'stopping';
      pause.dataset.mode = s === 'paused' ? 'resume' : 'pause';
      pause.textContent = s === 'paused' ? 'Resume' : 'Pause';
    },
    suggestName(n) {
      (name.querySelector('input') as HTMLInputElement).value = n;
    },
  };
}
