/**
 * The data of a training command (`graft train`, `graft distill`): the splits (the dataset's own
 * validation split, `--eval-data`, or a seeded hold-out of `--validation-split`), the text and
 * label columns, the subsamples, the label names and the tokenized rows. Label names are the
 * data's own, or those of a model that fixes them (a distillation teacher's head).
 */
import type { Dataset } from '@graft/data';
import type { Tokenizer } from '@graft/tokenizers';
import type { CliContext } from './command';
import { type LoadedSplit, labelIds, labelNames, loadSplits, pickLabelColumn, pickTextColumn, readTable, requireColumn, subsample } from './data-loading';
import { dataError, usageError } from './errors';
import { type TokenizedRow, tokenizeDataset } from './tokenize';

/** What {@link loadTrainingData} needs besides the flags. */
export interface TrainingDataOptions {
  tokenizer: Tokenizer;
  maxLength: number;
  /** Seeds the hold-out and the subsamples. */
  seed: number;
  /** Label names fixed by a model (class id = index); default: the data's own. */
  labels?: readonly string[];
}

/** The tokenized splits and what describes them. */
export interface TrainingData {
  train: LoadedSplit;
  eval: LoadedSplit;
  trainData: Dataset<TokenizedRow>;
  evalData: Dataset<TokenizedRow>;
  /** Label names by class id. */
  names: string[];
  textColumn: string;
  labelColumn: string;
}

/** Reads, splits, subsamples and tokenizes `data` as the data flags say (`opts`: the command's camelCased options). */
export async function loadTrainingData(data: string, opts: Readonly<Record<string, unknown>>, ctx: CliContext, o: TrainingDataOptions): Promise<TrainingData> {
  const { seed } = o;
  const splits = await loadSplits(data, ctx, { train: true, eval: !opts.evalData });
  let train = splits.train as LoadedSplit;
  let evalSplit = opts.evalData ? await readTable(opts.evalData as string, ctx.cwd, '--eval-data') : splits.eval;
  const textColumn = pickTextColumn(train, opts.textColumn as string | undefined, splits.builtin?.textColumn);
  const labelColumn = pickLabelColumn(train, opts.labelColumn as string | undefined, splits.builtin?.labelColumn);
  const pairColumn = opts.textPairColumn as string | undefined;
  if (pairColumn) requireColumn(train, pairColumn, '--text-pair-column');
  if (!evalSplit) {
    const testSize = (opts.validationSplit as number | undefined) ?? 0.1;
    if (!(testSize > 0 && testSize < 1)) throw usageError(`--validation-split must be between 0 and 1, got ${testSize}`);
    let parts: ReturnType<typeof train.dataset.trainTestSplit>;
    try {
      parts = train.dataset.trainTestSplit({ testSize, seed, stratifyBy: labelColumn });
    } catch (e) {
      throw dataError(
        `${train.source}: cannot hold out ${Math.round(testSize * 100)}% for evaluation (${(e as Error).message}); pass --eval-data, or more rows`,
        'split_failed',
        e,
      );
    }
    evalSplit = { dataset: parts.test, source: `${train.source} (${Math.round(testSize * 100)}% held out)` };
    train = { dataset: parts.train, source: train.source };
  }
  requireColumn(evalSplit, textColumn, '--text-column');
  requireColumn(evalSplit, labelColumn, '--label-column');
  if (pairColumn) requireColumn(evalSplit, pairColumn, '--text-pair-column');
  train = { ...train, dataset: subsample(train.dataset, opts.trainSamples as number | undefined, seed, '--train-samples') };
  evalSplit = { ...evalSplit, dataset: subsample(evalSplit.dataset, opts.evalSamples as number | undefined, seed, '--eval-samples') };
  const names = o.labels ? [...o.labels] : labelNames(train, labelColumn, splits.builtin?.labels);
  const tokenize = (split: LoadedSplit) =>
    tokenizeDataset(split.dataset, o.tokenizer, {
      textColumn,
      textPairColumn: pairColumn,
      maxLength: o.maxLength,
      labels: labelIds(split, labelColumn, names),
      source: split.source,
    });
  const trainData = tokenize(train);
  const evalData = tokenize(evalSplit);
  ctx.info(
    `data: ${trainData.length} training rows from ${train.source}, ${evalData.length} evaluation rows from ${evalSplit.source}; labels: ${names.join(', ')}`,
  );
  return { train, eval: evalSplit, trainData, evalData, names, textColumn, labelColumn };
}
