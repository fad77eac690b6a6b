/**
 * `graft eval <checkpoint> <data>`: scores a fine-tuned classifier on labelled data (accuracy,
 * precision/recall/F1, Matthews correlation, loss, the confusion matrix). Labels are matched to
 * the checkpoint's `id2label` by name, or used as ids when they are integers in range.
 */
import { padCollate } from '@graft/data';
import { classificationMetrics, Trainer, trainingArguments } from '@graft/train';
import { type CommandInput, type CommandResult, type CliContext, defineCommand, type OptionSpec } from '../command';
import { withConfig } from '../config-file';
import { labelIds, loadSplits, pickLabelColumn, pickTextColumn, requireColumn, subsample } from '../data-loading';
import { prepareDevice } from '../device';
import { usageError } from '../errors';
import { checkMaxLength, loadModelTokenizer, maxPositions } from '../model-loading';
import { baseModelOption, openClassifier } from '../classifier-source';
import { formatMetrics } from '../progress/renderer';
import { confusionMatrixOf } from '../report/classification-report';
import { tokenizeDataset } from '../tokenize';
import { columnOptions, configOption, maxLengthOption, tokenizerOption } from './shared-options';

const options = (): OptionSpec[] => [
  configOption,
  tokenizerOption,
  maxLengthOption,
  ...columnOptions,
  { name: 'split', valueName: 'name', description: 'split of a built-in or Hugging Face dataset (default: validation, else test)', group: 'Data' },
  { name: 'eval-samples', type: 'integer', description: 'evaluate on this many rows, drawn with --seed (default: all)', group: 'Data' },
  { name: 'batch-size', type: 'integer', description: 'rows per forward pass (default 32)' },
  { name: 'seed', type: 'integer', description: 'seed for --eval-samples (default 42)' },
  { name: 'device', choices: ['cpu', 'webgpu'], description: 'where to run (default cpu)' },
  baseModelOption,
];

async function run(input: CommandInput, ctx: CliContext): Promise<CommandResult> {
  const { opts, args } = withConfig(input, ctx, options(), ['checkpoint', 'data']);
  const checkpoint = args.checkpoint as string | undefined;
  const data = args.data as string | undefined;
  if (!checkpoint || !data) throw usageError('graft eval needs a checkpoint folder and data: graft eval <checkpoint> <data>', 'missing_argument');
  const source = await openClassifier(checkpoint, ctx.cwd, opts.baseModel as string | undefined);
  const { dir, config, labels: names } = source;
  const maxLength = (opts.maxLength as number | undefined) ?? Math.min(128, maxPositions(config) ?? 128);
  checkMaxLength(maxLength, config, checkpoint);
  const { tokenizer } = await loadModelTokenizer(source.tokenizerDir, config, opts.tokenizer as string | undefined, ctx.cwd);

  const splits = await loadSplits(data, ctx, { split: (opts.split as string | undefined) ?? undefined, train: false, eval: true });
  const split = splits.eval ?? splits.train;
  if (!split) throw usageError(`${data} has no validation or test split; pass --split <name> or a data file`, 'split_not_found');
  const textColumn = pickTextColumn(split, opts.textColumn as string | undefined, splits.builtin?.textColumn);
  const labelColumn = pickLabelColumn(split, opts.labelColumn as string | undefined, splits.builtin?.labelColumn);
  const pairColumn = opts.textPairColumn as string | undefined;
  if (pairColumn) requireColumn(split, pairColumn, '--text-pair-column');
  const seed = (opts.seed as number | undefined) ?? 42;
  const sampled = { ...split, dataset: subsample(split.dataset, opts.evalSamples as number | undefined, seed, '--eval-samples') };
  const dataset = tokenizeDataset(sampled.dataset, tokenizer, {
    textColumn,
    textPairColumn: pairColumn,
    maxLength,
    labels: labelIds(sampled, labelColumn, names),
    source: sampled.source,
  });

  const device = (opts.device as 'cpu' | 'webgpu' | undefined) ?? 'cpu';
  await prepareDevice(device);
  const model = await source.load(ctx);
  const trainer = new Trainer({
    model,
    args: trainingArguments({ perDeviceEvalBatchSize: (opts.batchSize as number | undefined) ?? 32, device, seed }),
    evalDataset: dataset,
    collate: padCollate({ padTokenId: config.pad_token_id ?? 0 }),
    computeMetrics: classificationMetrics(),
  });
  const started = performance.now();
  const prediction = await trainer.predict(dataset);
  const seconds = (performance.now() - started) / 1000;
  const metrics = Object.fromEntries(Object.entries(prediction.metrics).map(([k, v]) => [k.replace(/^test_/, ''), v]));
  const confusion = confusionMatrixOf(prediction.logits, prediction.labels ?? new Int32Array(), names);
  ctx.print(`${sampled.source}: ${dataset.length} rows in ${seconds.toFixed(1)} s`);
  ctx.print(formatMetrics(metrics));
  ctx.print(`confusion matrix (rows: true, columns: predicted; ${names.join(', ')}):`);
  for (const [i, row] of confusion.matrix.entries()) ctx.print(`  ${names[i].padEnd(12)} ${row.map((n) => String(n).padStart(6)).join(' ')}`);
  return {
    checkpoint: dir,
    ...(source.baseDir ? { baseModel: source.baseDir } : {}),
    data: sampled.source,
    rows: dataset.length,
    metrics,
    labels: names,
    confusionMatrix: confusion.matrix,
    seconds,
  };
}

/** `graft eval`. */
export const evalCommand = defineCommand({
  name: 'eval',
  summary: 'score a fine-tuned classifier on labelled data',
  arguments: [
    { name: 'checkpoint', description: 'a fine-tuned model folder, or a PEFT adapter folder (e.g. runs/<run>/best)', required: false },
    { name: 'data', description: 'labelled data: a file, a Hugging Face dataset folder, or sst2 / imdb', required: false },
  ],
  options,
  examples: ['graft eval runs/demo/best sst2', 'graft eval runs/demo/best sst2 --split test', 'graft eval ./model reviews.csv --text-column review --json'],
  run,
});
