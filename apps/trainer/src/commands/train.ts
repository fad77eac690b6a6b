/**
 * `graft train <model> <data>`: fine-tunes a pretrained checkpoint for text classification with
 * the Trainer, evaluates each epoch, keeps the best checkpoint and leaves a run directory:
 * checkpoints, the final (best) model with `trainer_state.json` and the model card (written by
 * the Trainer), `best/`, `metrics.jsonl` and `report.html`. `--method` chooses what trains (the
 * method table in `methods/`): the whole model, part of it, or a PEFT adapter, which is then what
 * `best/` holds.
 */
import { padCollate } from '@graft/data';
import { formatTrainableParameters } from '@graft/peft';
import { classificationMetrics, ProgressCallback, Trainer, trainingArguments } from '@graft/train';
import { metricsJsonl, nodeCheckpointStore } from '@graft/train/node';
import { type CliContext, type CommandInput, type CommandResult, defineCommand, type OptionSpec } from '../command';
import type { PreparedMethod } from '../methods/index';
import { withConfig } from '../config-file';
import { prepareDevice } from '../device';
import { usageError } from '../errors';
import { checkMaxLength, loadModel, loadModelTokenizer, maxPositions, readModelDir } from '../model-loading';
import { createProgress } from '../progress/renderer';
import { tokenizerFiles } from '../run-directory';
import { finishClassificationRun } from '../run-summary';
import { resolveMethod, trainMethodOptions } from '../methods/index';
import { defaultRunDir, resolveRunDir } from '../run-name';
import { loadTrainingData } from '../training-data';
import { abortCallback } from '../trainer-callbacks';
import { pickTrainingArguments, trainingFlags } from '../training-flags';
import { columnOptions, configOption, maxLengthOption, resumeOption, resumeTarget, tokenizerOption, trainDataOptions } from './shared-options';

/** What `graft train` sets when a flag is not given (see {@link cliDefaults}), for `--help`; `graft distill` shares them. */
export const SHOWN_DEFAULTS = {
  outputDir: 'runs/<model>-<data>-<date>-<time>',
  evalStrategy: 'epoch',
  saveStrategy: 'as --eval-strategy',
  loggingSteps: 'about 1/50 of the steps',
  saveTotalLimit: '2',
  loadBestModelAtEnd: 'true when evaluating',
  metricForBestModel: 'accuracy',
};

const options = (): OptionSpec[] => [
  configOption,
  tokenizerOption,
  maxLengthOption,
  ...columnOptions,
  ...trainDataOptions,
  resumeOption,
  ...trainMethodOptions(),
  ...trainingFlags(SHOWN_DEFAULTS),
];

/**
 * Training arguments the CLI chooses when neither a flag nor the config file sets them: evaluate
 * and save every epoch and end with the best checkpoint by accuracy (HF's defaults evaluate
 * never and rank by loss), about 50 logged points, and two checkpoints kept.
 */
export function cliDefaults(given: Record<string, unknown>, stepsPerEpoch: number, metric = 'accuracy'): Record<string, unknown> {
  const epochs = (given.numTrainEpochs as number | undefined) ?? 3;
  const maxSteps = given.maxSteps as number | undefined;
  const total = maxSteps !== undefined && maxSteps > 0 ? maxSteps : Math.max(1, Math.ceil(stepsPerEpoch * epochs));
  // about 50 points on the loss curve, whatever the run's length (HF's 500 would give none on a short run)
  const loggingSteps = Math.max(1, Math.round(total / 50));
  const evalStrategy = (given.evalStrategy as string | undefined) ?? 'epoch';
  const saveStrategy = (given.saveStrategy as string | undefined) ?? (evalStrategy === 'no' ? 'epoch' : evalStrategy);
  const out: Record<string, unknown> = { loggingSteps, evalStrategy, saveStrategy, saveTotalLimit: 2 };
  if (evalStrategy === 'steps') {
    const every = (given.evalSteps as number | undefined) ?? Math.max(1, Math.round(total / 10));
    out.evalSteps = every;
    if (saveStrategy === 'steps') out.saveSteps = (given.saveSteps as number | undefined) ?? every;
  }
  if (evalStrategy !== 'no' && saveStrategy === evalStrategy) {
    out.loadBestModelAtEnd = true;
    out.metricForBestModel = metric;
  }
  return out;
}

async function run(input: CommandInput, ctx: CliContext): Promise<CommandResult> {
  const { opts, args } = withConfig(input, ctx, options(), ['model', 'data']);
  const modelArg = args.model as string | undefined;
  const dataArg = args.data as string | undefined;
  if (!modelArg) throw usageError('graft train needs a model folder: graft train <model> <data> (or model: in --config)', 'missing_argument');
  if (!dataArg)
    throw usageError('graft train needs data: a file, a Hugging Face dataset folder, or sst2 / imdb (graft train <model> <data>)', 'missing_argument');

  // a wrong method or a flag of another method fails now, before anything is loaded
  const { method, value: methodName } = resolveMethod(opts.method, opts, ctx.cwd);
  const { dir: modelDir, config } = readModelDir(modelArg, ctx.cwd);
  const maxLength = (opts.maxLength as number | undefined) ?? Math.min(128, maxPositions(config) ?? 128);
  checkMaxLength(maxLength, config, modelArg);
  const { tokenizer, dir: tokenizerDir } = await loadModelTokenizer(modelDir, config, opts.tokenizer as string | undefined, ctx.cwd);
  const given = pickTrainingArguments(opts);
  const seed = (given.seed as number | undefined) ?? 42;
  // a bad training argument fails now, not after the data is read and tokenized
  trainingArguments({ ...cliDefaults(given, 1), ...given, outputDir: '.' });

  // ---- data: splits, columns, labels, subsamples, tokens ----
  const data = await loadTrainingData(dataArg, opts, ctx, { tokenizer, maxLength, seed });
  const { trainData, evalData, names } = data;

  // ---- model and arguments ----
  await prepareDevice(given.device as string | undefined);
  const model = await loadModel(modelDir, 'sequence-classification', ctx, { labels: names, seed });
  const batch = ((given.perDeviceTrainBatchSize as number | undefined) ?? 8) * ((given.gradientAccumulationSteps as number | undefined) ?? 1);
  const outputDir = resolveRunDir(ctx.cwd, (given.outputDir as string | undefined) ?? defaultRunDir(modelArg, dataArg));
  const targs = trainingArguments({ ...cliDefaults(given, Math.ceil(trainData.length / batch)), ...given, outputDir });

  // ---- the method: what trains ----
  let prepared: PreparedMethod | undefined;
  const progress = createProgress({
    target: ctx.progressStream,
    quiet: ctx.quiet || ctx.json,
    label: 'train',
    trainable: () => prepared!.currentCounts(),
  });
  prepared = method.prepare({
    model,
    value: methodName,
    options: opts,
    args: targs,
    seed,
    modelDir,
    ctx,
    note: (line) => progress.note(line),
    tokenize: (text) => tokenizer.encode(text).ids,
  });
  ctx.info(`method ${methodName}: ${formatTrainableParameters(prepared.counts())}`);

  // ---- training ----
  const tokFiles = tokenizerFiles(tokenizerDir);
  const trainer = new Trainer({
    model: prepared.model,
    args: targs,
    trainDataset: trainData,
    evalDataset: evalData,
    collate: padCollate({ padTokenId: config.pad_token_id ?? 0 }),
    computeMetrics: classificationMetrics(),
    callbacks: [...(prepared.callbacks ?? []), new ProgressCallback(progress.render), metricsJsonl(outputDir), abortCallback(ctx.signal)],
    store: nodeCheckpointStore(outputDir),
    tokenizerFiles: tokFiles,
    ...(prepared.parameterGroups ? { parameterGroups: prepared.parameterGroups } : {}),
  });
  ctx.info(`training into ${outputDir}`);
  const started = performance.now();
  try {
    await trainer.train({ resumeFromCheckpoint: resumeTarget(opts.resumeFromCheckpoint) });
  } finally {
    progress.stop();
  }
  const trainSeconds = (performance.now() - started) / 1000;
  if (ctx.signal.aborted) return { outputDir, interrupted: true, globalStep: trainer.state.globalStep };

  // ---- the best model's final evaluation, best/, the report ----
  const counts = prepared.counts();
  const { best, report, metrics, confusion } = await finishClassificationRun({
    ctx,
    trainer,
    args: targs,
    outputDir,
    data,
    maxLength,
    trainSeconds,
    progress,
    saveBest: (dir) => prepared.save(dir, tokFiles, names),
    report: {
      title: `graft train: ${modelArg} on ${dataArg}`,
      model,
      modelPath: modelArg,
      method: { name: methodName, ...counts, settings: prepared.settings },
    },
    bestLabel: prepared.saves === 'adapter' ? 'adapter' : 'best model',
    showSpeed: true,
  });
  return {
    outputDir,
    best,
    report,
    method: methodName,
    methodSettings: prepared.settings,
    saved: prepared.saves,
    trainableParameters: counts.trainable,
    allParameters: counts.all,
    trainablePercent: counts.percent,
    metrics,
    labels: names,
    confusionMatrix: confusion.matrix,
    globalStep: trainer.state.globalStep,
    bestModelCheckpoint: trainer.state.bestModelCheckpoint,
    trainSeconds,
    samplesPerSecond: progress.samplesPerSecond,
    trainRows: trainData.length,
    evalRows: evalData.length,
  };
}

/** `graft train`. */
export const trainCommand = defineCommand({
  name: 'train',
  summary: 'fine-tune a model for text classification',
  description:
    'Fine-tunes a Hugging Face checkpoint (BERT, DistilBERT, RoBERTa) for text classification, evaluates every epoch, keeps the best checkpoint and writes a run directory with best/ (an HF checkpoint, or PEFT adapter files for --method lora, ia3, bitfit, adapter, prefix, prompt, peft), metrics.jsonl, trainer_state.json, the model card and report.html.',
  arguments: [
    { name: 'model', description: 'model folder (config.json, model.safetensors, tokenizer files)', required: false },
    { name: 'data', description: 'data file (csv, tsv, json, jsonl, parquet, .gz), Hugging Face dataset folder, or sst2 / imdb', required: false },
  ],
  options,
  examples: [
    'graft train assets/models/bert-tiny-imdb-mlm sst2 --num-train-epochs 3 --learning-rate 1e-4 --per-device-train-batch-size 32',
    'graft train assets/models/bert-tiny-imdb-mlm sst2 --method lora --lora-r 8 --lora-alpha 32 --learning-rate 1e-3',
    'graft train assets/models/bert-tiny-imdb-mlm sst2 --method gradual --unfreeze-every epoch --layer-lr-decay 0.8',
    'graft train ./my-model reviews.csv --text-column review --label-column stars --output-dir runs/reviews',
    'graft train --config run.yaml --seed 1',
  ],
  run,
});
