/**
 * The model card (`README.md`) of an output directory, in the layout of transformers'
 * `Trainer.create_model_card`: front matter, the evaluation results, a hyperparameter table, the
 * results of every evaluation during training (HF's "Training results" table, built from
 * `log_history` the way HF parses it) and the framework versions.
 */
import type { TrainingArguments } from '../args/training-args';
import type { TrainerState } from '../state/trainer-state';

/** What a model card is made from. */
export interface ModelCardInputs {
  args: TrainingArguments;
  state: TrainerState;
  /** The evaluation results to headline (the best checkpoint's with `loadBestModelAtEnd`, else the last). */
  evalMetrics: Record<string, number> | null;
  /** The optimizer as HF words it (`AdamW with betas=(0.9,0.999) and epsilon=1e-08`). */
  optimizer: string;
  /** Package name → version, plus the runtime. */
  versions: Record<string, string>;
  /** The model's class (the card's subtitle). */
  modelClass?: string;
}

const SKIPPED = /_(runtime|samples_per_second|steps_per_second|jit_compilation_time)$/;

/** HF's `_maybe_round`: floats with more than 4 decimals are shown with 4. */
function show(v: unknown): string {
  if (typeof v !== 'number') return String(v);
  const text = String(v);
  return !Number.isInteger(v) && (text.split('.')[1]?.length ?? 0) > 4 ? v.toFixed(4) : text;
}

/** `eval_f1_macro` → `F1 Macro` (HF's column names). */
function title(key: string): string {
  return key
    .split('_')
    .slice(1)
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join(' ');
}

/** HF's "Training results" rows: each evaluation, with the training loss last logged before it. */
export function trainingResults(logHistory: readonly Record<string, number>[]): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  let trainingLoss = 'No log';
  for (const entry of logHistory) {
    if (entry.loss !== undefined) trainingLoss = show(entry.loss);
    else if (Object.keys(entry).some((k) => k.startsWith('eval_') && !SKIPPED.test(k))) {
      const row: Record<string, string> = { 'Training Loss': trainingLoss, Epoch: show(entry.epoch), Step: show(entry.step) };
      for (const [k, v] of Object.entries(entry)) {
        if (!k.startsWith('eval_') || SKIPPED.test(k)) continue;
        row[k === 'eval_loss' ? 'Validation Loss' : title(k)] = show(v);
      }
      rows.push(row);
    }
  }
  return rows;
}

function table(rows: Record<string, string>[], center = true): string {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const rule = center ? ':---:' : ':---';
  return [`| ${cols.join(' | ')} |`, `|${cols.map(() => rule).join('|')}|`, ...rows.map((r) => `| ${cols.map((c) => r[c] ?? '').join(' | ')} |`)].join('\n');
}

/** The hyperparameters HF lists, as rows. */
function hyperparameters(i: ModelCardInputs): Record<string, string>[] {
  const a = i.args;
  const rows: [string, unknown][] = [
    ['learning_rate', a.learningRate],
    ['train_batch_size', a.perDeviceTrainBatchSize],
    ['eval_batch_size', a.perDeviceEvalBatchSize],
    ['seed', a.seed],
  ];
  if (a.gradientAccumulationSteps > 1) {
    rows.push(
      ['gradient_accumulation_steps', a.gradientAccumulationSteps],
      ['total_train_batch_size', a.perDeviceTrainBatchSize * a.gradientAccumulationSteps],
    );
  }
  rows.push(['optimizer', i.optimizer], ['weight_decay', a.weightDecay], ['lr_scheduler_type', a.lrSchedulerType]);
  if (a.warmupSteps > 0) rows.push(['lr_scheduler_warmup_steps', a.warmupSteps]);
  else if (a.warmupRatio > 0) rows.push(['lr_scheduler_warmup_ratio', a.warmupRatio]);
  rows.push(a.maxSteps > 0 ? ['training_steps', a.maxSteps] : ['num_epochs', a.numTrainEpochs], ['max_grad_norm', a.maxGradNorm], ['device', a.device]);
  return rows.map(([k, v]) => ({ Hyperparameter: k, Value: show(v) }));
}

/** The model card's Markdown. */
export function modelCard(i: ModelCardInputs): string {
  const name = i.args.runName;
  const out = [
    '---',
    'library_name: graft',
    'tags:',
    '- generated_from_trainer',
    'model-index:',
    `- name: ${JSON.stringify(name)}`,
    '  results: []',
    '---',
    '',
  ];
  out.push(`# ${name}`, '');
  out.push(`This model${i.modelClass ? ` (${i.modelClass})` : ''} was trained with Graft's Trainer (@graft/train).`);
  const headline = Object.entries(i.evalMetrics ?? {}).filter(([k]) => k.startsWith('eval_') && !SKIPPED.test(k));
  if (headline.length > 0) {
    out.push('It achieves the following results on the evaluation set:');
    for (const [k, v] of headline) out.push(`- ${k === 'eval_loss' ? 'Loss' : title(k)}: ${show(v)}`);
  }
  out.push('', '## Training procedure', '', '### Training hyperparameters', '', table(hyperparameters(i), false), '');
  const results = trainingResults(i.state.logHistory);
  out.push('### Training results', '', results.length > 0 ? table(results) : 'No evaluation during training.', '');
  out.push('### Framework versions', '', ...Object.entries(i.versions).map(([k, v]) => `- ${k} ${v}`), '');
  return out.join('\n');
}
