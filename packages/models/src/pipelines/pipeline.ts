/**
 * `pipeline(task, files)`: a model and the tokenizer stored with it, loaded together and wrapped
 * as one function, as transformers' `pipeline()`. Tasks: `text-classification` (a sequence
 * classifier) and `fill-mask` (a masked LM).
 */
import type { Tokenizer } from '@graft/tokenizers';
import { fromPretrained } from '../auto';
import { PipelineInputError } from '../errors';
import { asModelFiles, type ModelFilesLike } from '../files/model-files';
import type { FromPretrainedOptions } from '../loading/loading-info';
import type { ModelTask, AnyPreTrainedModel } from '../modeling/pretrained-model';
import { loadTokenizer, loadTokenizerSettings } from '../tokenizer/load-tokenizer';
import { padIdOf } from './batching';
import { type FillMaskOptions, type FillMaskPipeline, fillMaskPipeline } from './fill-mask';
import { type TextClassificationOptions, type TextClassificationPipeline, textClassificationPipeline } from './text-classification';

/** The tasks `pipeline` knows. */
export type PipelineTask = 'text-classification' | 'fill-mask';

const MODEL_TASK: Record<PipelineTask, ModelTask> = { 'text-classification': 'sequence-classification', 'fill-mask': 'masked-lm' };

/** Options of `pipeline`: loading options, an already loaded model or tokenizer, and the calls' defaults. */
export interface PipelineOptions extends FromPretrainedOptions {
  /** Use this model instead of loading one from the files. */
  model?: AnyPreTrainedModel;
  /** Use this tokenizer instead of loading one from the files. */
  tokenizer?: Tokenizer;
  /** Default texts per forward pass. */
  batchSize?: number;
  /** Default number of results per text. */
  topK?: number | null;
}

/** Builds a pipeline for `task` from a model's files (model, tokenizer and tokenizer_config.json). */
export async function pipeline(task: 'text-classification', files: ModelFilesLike, opts?: PipelineOptions): Promise<TextClassificationPipeline>;
export async function pipeline(task: 'fill-mask', files: ModelFilesLike, opts?: PipelineOptions): Promise<FillMaskPipeline>;
export async function pipeline(
  task: PipelineTask,
  filesLike: ModelFilesLike,
  opts: PipelineOptions = {},
): Promise<TextClassificationPipeline | FillMaskPipeline> {
  if (!Object.hasOwn(MODEL_TASK, task)) {
    throw new PipelineInputError(`unknown pipeline task '${String(task)}' (known: ${Object.keys(MODEL_TASK).join(', ')})`);
  }
  const files = asModelFiles(filesLike);
  const { model: given, tokenizer: givenTokenizer, batchSize, topK, ...loadOpts } = opts;
  const settings = await loadTokenizerSettings(files);
  const tokenizer = givenTokenizer ?? (await loadTokenizer(files));
  const model = given ?? (await fromPretrained(files, { ...loadOpts, task: MODEL_TASK[task] }));
  const padId = padIdOf(tokenizer, settings.padToken, model.config.pad_token_id);
  if (task === 'text-classification') {
    return textClassificationPipeline(model, tokenizer, padId, { batchSize, ...(topK !== undefined ? { topK } : {}) } as TextClassificationOptions);
  }
  const maskToken = settings.maskToken ?? ['[MASK]', '<mask>'].find((t) => tokenizer.tokenToId(t) !== undefined);
  if (!maskToken)
    throw new PipelineInputError(
      `fill-mask: ${files.description} names no mask token (tokenizer_config.json mask_token) and the vocabulary has neither [MASK] nor <mask>`,
    );
  return fillMaskPipeline(model, tokenizer, padId, maskToken, { batchSize, ...(typeof topK === 'number' ? { topK } : {}) } as FillMaskOptions);
}
