/**
 * `graft distill <data> --teacher DIR --student DIR|CONFIG|layers=N`: trains a student to match a
 * fine-tuned teacher's output distribution (and optionally its hidden states and attention maps)
 * with @graft/distill's step in the Trainer, then leaves a run directory like `graft train`'s:
 * checkpoints, `best/` (the student, an HF checkpoint with the teacher's labels and tokenizer),
 * `metrics.jsonl` (with the loss's terms, α and T) and `report.html`. The teacher fixes the
 * labels and the tokenizer; the data flags and training flags are `graft train`'s.
 */
import { padCollate } from '@graft/data';
import { fingerprintFiles, prepareDistillation } from '@graft/distill/node';
import { formatTrainableParameters } from '@graft/peft';
import { classificationMetrics, ProgressCallback, Trainer, trainingArguments } from '@graft/train';
import { metricsJsonl, nodeCheckpointStore } from '@graft/train/node';
import { type CliContext, type CommandInput, type CommandResult, defineCommand, type OptionSpec } from '../command';
import { withConfig } from '../config-file';
import { prepareDevice } from '../device';
import { createStudent, readStudentSource } from '../distill/student';
import { distillOptions, readDistillFlags } from '../distill/flags';
import { usageError } from '../errors';
import { checkMaxLength, loadModel, loadModelTokenizer, maxPositions, readModelDir } from '../model-loading';
import { createProgress } from '../progress/renderer';
import { tokenizerFiles, writeFiles } from '../run-directory';
import { finishClassificationRun } from '../run-summary';
import { defaultRunDir, resolveRunDir } from '../run-name';
import { abortCallback } from '../trainer-callbacks';
import { loadTrainingData } from '../training-data';
import { pickTrainingArguments, trainingFlags } from '../training-flags';
import { checkpointLabels } from './labels';
import { columnOptions, configOption, maxLengthOption, resumeOption, resumeTarget, trainDataOptions } from './shared-options';
import { cliDefaults, SHOWN_DEFAULTS as TRAIN_DEFAULTS } from './train';

/** `graft train`'s defaults, but for where the run goes. */
const SHOWN_DEFAULTS = { ...TRAIN_DEFAULTS, outputDir: 'runs/<teacher>-distilled-<data>-<date>-<time>' };

const options = (): OptionSpec[] => [
  configOption,
  ...distillOptions,
  maxLengthOption,
  ...columnOptions,
  ...trainDataOptions,
  resumeOption,
  ...trainingFlags(SHOWN_DEFAULTS),
];

async function run(input: CommandInput, ctx: CliContext): Promise<CommandResult> {
  const { opts, args } = withConfig(input, ctx, options(), ['data']);
  const dataArg = (args.data as string | undefined) ?? (opts.data as string | undefined);
  if (args.data !== undefined && opts.data !== undefined && args.data !== opts.data)
    throw usageError(`graft distill got data twice (${args.data} and --data ${opts.data}); pass one`, 'invalid_option');
  const teacherArg = opts.teacher as string | undefined;
  const studentArg = opts.student as string | undefined;
  if (!teacherArg) throw usageError('graft distill needs --teacher DIR: a fine-tuned classifier (e.g. runs/<run>/best)', 'missing_argument');
  if (!studentArg)
    throw usageError("graft distill needs --student: a model folder, a config.json, or layers=N (the teacher's config with N layers)", 'missing_argument');
  if (!dataArg)
    throw usageError('graft distill needs data: a file, a Hugging Face dataset folder, or sst2 / imdb (graft distill <data> …)', 'missing_argument');

  // every flag is checked before anything is loaded
  const settings = readDistillFlags(opts);
  const { dir: teacherDir, config: teacherConfig } = readModelDir(teacherArg, ctx.cwd, '--teacher');
  const labels = checkpointLabels(teacherConfig);
  const studentSource = readStudentSource(studentArg, teacherConfig, ctx.cwd);
  const maxLength = (opts.maxLength as number | undefined) ?? Math.min(128, maxPositions(teacherConfig) ?? 128, maxPositions(studentSource.config) ?? 128);
  checkMaxLength(maxLength, teacherConfig, teacherArg);
  checkMaxLength(maxLength, studentSource.config, studentArg);
  const { tokenizer, dir: tokenizerDir } = await loadModelTokenizer(teacherDir, teacherConfig, undefined, ctx.cwd);
  const given = pickTrainingArguments(opts);
  const seed = (given.seed as number | undefined) ?? 42;
  trainingArguments({ ...cliDefaults(given, 1), ...given, outputDir: '.' });

  const data = await loadTrainingData(dataArg, opts, ctx, { tokenizer, maxLength, seed, labels });
  const { trainData, evalData, names } = data;

  // ---- teacher, student, step ----
  await prepareDevice(given.device as string | undefined);
  const teacher = await loadModel(teacherDir, 'sequence-classification', ctx, { labels, seed });
  if (teacher.loadingInfo?.newlyInitialized.some((k) => !k.includes('pooler')))
    throw usageError(
      `--teacher ${teacherArg} has no trained classifier: distil from a fine-tuned model (e.g. runs/<run>/best of graft train)`,
      'teacher_untrained',
    );
  const student = await createStudent(studentSource, labels, tokenizer.getVocabSize(), seed, ctx);
  const batch = ((given.perDeviceTrainBatchSize as number | undefined) ?? 8) * ((given.gradientAccumulationSteps as number | undefined) ?? 1);
  const outputDir = resolveRunDir(ctx.cwd, (given.outputDir as string | undefined) ?? defaultRunDir(`${teacherArg}-distilled`, dataArg));
  const targs = trainingArguments({ ...cliDefaults(given, Math.ceil(trainData.length / batch)), ...given, outputDir });
  if (targs.device === 'webgpu') await teacher.toAsync('webgpu');

  const collate = padCollate({ padTokenId: teacherConfig.pad_token_id ?? 0 });
  // offline: each training row carries its index, by which the step finds the teacher's logits
  const trainRows = settings.cacheDir !== undefined ? trainData.map((_row, i) => ({ idx: i })) : trainData;
  // --keep-layers and --init-from-teacher ask for it (a shape that differs is then an error); a
  // built student starts from the teacher when the shapes allow, a loaded one keeps its weights
  const init = settings.keepLayers ? { layers: settings.keepLayers } : (settings.initFromTeacher ?? (studentSource.kind === 'dir' ? false : ('auto' as const)));
  const prepared = await prepareDistillation({
    teacher,
    student,
    initFromTeacher: init,
    ...(settings.alpha !== undefined ? { alpha: settings.alpha } : {}),
    ...(settings.temperature !== undefined ? { temperature: settings.temperature } : {}),
    ...(settings.hidden ? { hidden: settings.hidden } : {}),
    ...(settings.attention ? { attention: settings.attention } : {}),
    ...(settings.cacheDir !== undefined
      ? {
          cache: {
            dir: settings.cacheDir,
            rows: trainRows,
            collate,
            teacherFingerprint: await fingerprintFiles(teacherDir),
            maxLength,
            cacheKey: { tokenizer: tokenizerDir, textColumn: data.textColumn, labelColumn: data.labelColumn },
          },
        }
      : {}),
  });
  if (prepared.init) ctx.info(`student starts from the teacher's layers ${prepared.init.layers.join(', ')} (${prepared.init.copied.length} tensors copied)`);
  if (prepared.initSkipped) ctx.info(`student keeps its own initialisation: ${prepared.initSkipped}`);
  if (prepared.cache) ctx.info(`teacher logits ${prepared.cache.hit ? 'read from' : 'computed once into'} ${prepared.cache.path}`);
  const counts = parameterCounts(prepared.model.parameters());
  ctx.info(`student: ${formatTrainableParameters(counts)} (teacher: ${teacher.numParameters().toLocaleString('en-US')})`);

  // ---- training ----
  const tokFiles = tokenizerFiles(tokenizerDir);
  const progress = createProgress({ target: ctx.progressStream, quiet: ctx.quiet || ctx.json, label: 'distill' });
  const trainer = new Trainer({
    model: prepared.model,
    trainStep: prepared.step,
    args: targs,
    trainDataset: trainRows,
    evalDataset: evalData,
    collate,
    computeMetrics: classificationMetrics(),
    callbacks: [new ProgressCallback(progress.render), metricsJsonl(outputDir), abortCallback(ctx.signal)],
    store: nodeCheckpointStore(outputDir),
    tokenizerFiles: tokFiles,
  });
  ctx.info(`distilling into ${outputDir}`);
  const started = performance.now();
  try {
    await trainer.train({ resumeFromCheckpoint: resumeTarget(opts.resumeFromCheckpoint) });
  } finally {
    progress.stop();
    prepared.cache?.logits.dispose();
  }
  const trainSeconds = (performance.now() - started) / 1000;
  if (ctx.signal.aborted) return { outputDir, interrupted: true, globalStep: trainer.state.globalStep };

  // ---- the student's final evaluation, best/, the report ----
  const methodSettings = {
    teacher: teacherDir,
    student: studentSource.kind === 'layers' ? studentArg : studentSource.path,
    initFromTeacher: prepared.init ? prepared.init.layers : false,
    alpha: typeof settings.alpha === 'function' ? String(opts.alpha) : (settings.alpha ?? 0.5),
    temperature: typeof settings.temperature === 'function' ? String(opts.temperature) : (settings.temperature ?? 2),
    ...(settings.hidden ? { hidden: true } : {}),
    ...(settings.attention ? { attention: settings.attention.loss ?? 'kl' } : {}),
    ...(prepared.cache ? { cachedTeacherLogits: prepared.cache.path } : {}),
  };
  const { best, report, metrics, confusion } = await finishClassificationRun({
    ctx,
    trainer,
    args: targs,
    outputDir,
    data,
    maxLength,
    trainSeconds,
    progress,
    saveBest: async (dir) => writeFiles(dir, new Map([...(await student.toPretrainedFilesAsync()), ...tokFiles])),
    report: {
      title: `graft distill: ${teacherArg} → ${studentArg} on ${dataArg}`,
      model: student,
      modelPath: studentArg,
      method: { name: 'distill', ...counts, settings: methodSettings },
    },
    bestLabel: 'student',
    showSpeed: false,
  });
  return {
    outputDir,
    best,
    report,
    teacher: teacherDir,
    student: methodSettings.student,
    methodSettings,
    studentLayers: prepared.init?.layers ?? null,
    trainableParameters: counts.trainable,
    allParameters: counts.all,
    trainablePercent: counts.percent,
    teacherParameters: teacher.numParameters(),
    cache: prepared.cache ? { path: prepared.cache.path, hit: prepared.cache.hit } : null,
    metrics,
    labels: names,
    confusionMatrix: confusion.matrix,
    globalStep: trainer.state.globalStep,
    trainSeconds,
    trainRows: trainData.length,
    evalRows: evalData.length,
  };
}

/** PEFT-style counts of what the Trainer trains (the student, and projections when widths differ). */
function parameterCounts(params: Iterable<{ size: number; requiresGrad: boolean }>): { trainable: number; all: number; percent: number } {
  let trainable = 0;
  let all = 0;
  for (const p of params) {
    all += p.size;
    if (p.requiresGrad) trainable += p.size;
  }
  return { trainable, all, percent: all === 0 ? 0 : (100 * trainable) / all };
}

/** `graft distill`. */
export const distillCommand = defineCommand({
  name: 'distill',
  summary: 'train a smaller student from a fine-tuned teacher',
  description:
    "Knowledge distillation: the student learns α·T²·KL(teacher ‖ student) + (1−α)·CE(student, labels) from a fine-tuned teacher (optionally also its hidden states and attention maps), starting from the teacher's layers when it is built from layers=N or a config. Writes a run directory like graft train's, with the student in best/.",
  arguments: [{ name: 'data', description: 'data file, Hugging Face dataset folder, or sst2 / imdb (or --data)', required: false }],
  options,
  examples: [
    'graft distill sst2 --teacher runs/teacher/best --student layers=1 --alpha 0.5 --temperature 2',
    'graft distill sst2 --teacher runs/teacher/best --student layers=1 --hidden --attention --alpha linear:0.9:0.5',
    'graft distill sst2 --teacher runs/teacher/best --student small-config.json --cache-teacher-logits runs/cache',
  ],
  run,
});
