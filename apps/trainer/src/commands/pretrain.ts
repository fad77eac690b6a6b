/**
 * `graft pretrain <corpus…>`: masked-LM pretraining, how a user makes their own base model.
 * Documents are tokenized, packed into fixed-length `[CLS] … [SEP]` blocks, and masked
 * dynamically (15% of tokens, 80/10/10, optionally whole words) each time a batch is built, so
 * every epoch sees new masks. A held-out share of the blocks is masked once with a fixed seed,
 * so its loss is comparable from one evaluation to the next. The model starts from a checkpoint
 * (`--model dir`: continued pretraining), from a config.json (fresh weights), or from shape flags.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Dataset, languageModelingCollate, maskOnce, SequencePacker, wordPieceContinuations } from '@graft/data';
import type { AnyPreTrainedModel } from '@graft/models';
import { type IntervalStrategy, ProgressCallback, Trainer, trainingArguments } from '@graft/train';
import { metricsJsonl, nodeCheckpointStore } from '@graft/train/node';
import type { Tokenizer } from '@graft/tokenizers';
import { type CommandInput, type CommandResult, type CliContext, defineCommand, type OptionSpec } from '../command';
import { withConfig } from '../config-file';
import { readCorpus, specialIds, tokenizeDocuments } from '../corpus';
import { modelError, usageError } from '../errors';
import { prepareDevice } from '../device';
import { checkMaxLength, freshModel, loadModel, loadModelTokenizer, type ModelConfigJson, readModelDir } from '../model-loading';
import { createProgress } from '../progress/renderer';
import { reportFor } from '../report/classification-report';
import { abortCallback, generatorStateCallback } from '../trainer-callbacks';
import { pickTrainingArguments, trainingFlags } from '../training-flags';
import { tokenizerFiles, writeBestModel, writeReport } from '../run-directory';
import { defaultRunDir, resolveRunDir } from '../run-name';
import { configOption, maxLengthOption, resumeOption, resumeTarget, tokenizerOption } from './shared-options';

const MODEL = 'Model';
const MLM = 'Masked LM';

const options = (): OptionSpec[] => [
  configOption,
  {
    name: 'model',
    type: 'path',
    valueName: 'dir|config.json',
    description: 'start from this checkpoint folder, or from fresh weights for this config.json',
    group: MODEL,
  },
  { name: 'from-scratch', type: 'boolean', description: "ignore the checkpoint's weights: fresh initialisation with its config", group: MODEL },
  tokenizerOption,
  { name: 'hidden-size', type: 'integer', description: 'fresh model: width (default 128)', group: MODEL },
  { name: 'num-hidden-layers', type: 'integer', description: 'fresh model: layers (default 2)', group: MODEL },
  { name: 'num-attention-heads', type: 'integer', description: 'fresh model: attention heads (default 2)', group: MODEL },
  { name: 'intermediate-size', type: 'integer', description: 'fresh model: feed-forward width (default 4 × hidden size)', group: MODEL },
  { ...maxLengthOption, description: 'tokens per packed block, [CLS] and [SEP] included (default 128)' },
  { name: 'text-column', valueName: 'name', description: 'column with the text in data files (default: text/sentence/review …)', group: 'Data' },
  { name: 'mlm-probability', type: 'number', description: 'share of tokens masked (default 0.15)', group: MLM },
  { name: 'whole-word-mask', type: 'boolean', description: 'mask whole words (WordPiece ## pieces together)', group: MLM },
  { name: 'eval-fraction', type: 'number', description: 'share of blocks held out for the evaluation loss (default 0.05; 0: none)', group: MLM },
  resumeOption,
  ...trainingFlags({
    outputDir: 'runs/pretrain-<corpus>-<date>-<time>',
    evalStrategy: 'epoch with held-out blocks',
    saveStrategy: 'as --eval-strategy',
    loggingSteps: 'about 1/50 of the steps',
    saveTotalLimit: '2',
    loadBestModelAtEnd: 'true when evaluating',
    metricForBestModel: 'loss',
  }),
];

/** A fresh BERT config.json for the shape flags and the tokenizer. */
function freshConfig(opts: Record<string, unknown>, tokenizer: Tokenizer, maxLength: number): ModelConfigJson {
  const hidden = (opts.hiddenSize as number | undefined) ?? 128;
  const heads = (opts.numAttentionHeads as number | undefined) ?? 2;
  if (hidden % heads !== 0) throw usageError(`--hidden-size ${hidden} must be a multiple of --num-attention-heads ${heads}`);
  return {
    architectures: ['BertForMaskedLM'],
    model_type: 'bert',
    vocab_size: tokenizer.getVocabSize(),
    hidden_size: hidden,
    num_hidden_layers: (opts.numHiddenLayers as number | undefined) ?? 2,
    num_attention_heads: heads,
    intermediate_size: (opts.intermediateSize as number | undefined) ?? 4 * hidden,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    max_position_embeddings: Math.max(512, maxLength),
    type_vocab_size: 2,
    initializer_range: 0.02,
    layer_norm_eps: 1e-12,
    pad_token_id: tokenizer.tokenToId('[PAD]') ?? tokenizer.tokenToId('<pad>') ?? 0,
  };
}

/** The model to pretrain and where its tokenizer comes from. */
async function startingModel(
  opts: Record<string, unknown>,
  ctx: CliContext,
  maxLength: number,
  seed: number,
): Promise<{ model: AnyPreTrainedModel; tokenizer: Tokenizer; tokenizerDir: string; config: ModelConfigJson; from: string }> {
  const modelArg = opts.model as string | undefined;
  const tokenizerArg = opts.tokenizer as string | undefined;
  const full = modelArg ? resolve(ctx.cwd, modelArg) : undefined;
  if (modelArg && full && existsSync(full) && statSync(full).isFile()) {
    // a config.json: fresh weights of that shape, the tokenizer beside it or from --tokenizer
    let config: ModelConfigJson;
    try {
      config = JSON.parse(readFileSync(full, 'utf8'));
    } catch (e) {
      throw modelError(`--model ${modelArg}: not valid JSON (${(e as Error).message})`, 'model_config');
    }
    const { tokenizer, dir } = await loadModelTokenizer(dirname(full), config, tokenizerArg, ctx.cwd);
    checkMaxLength(maxLength, config, modelArg);
    return { model: freshModel(config, 'masked-lm', seed, full), tokenizer, tokenizerDir: dir, config, from: `fresh weights for ${modelArg}` };
  }
  if (modelArg) {
    const { dir, config } = readModelDir(modelArg, ctx.cwd, '--model');
    const { tokenizer, dir: tokenizerDir } = await loadModelTokenizer(dir, config, tokenizerArg, ctx.cwd);
    checkMaxLength(maxLength, config, modelArg);
    if (opts.fromScratch)
      return { model: freshModel(config, 'masked-lm', seed, join(dir, 'config.json')), tokenizer, tokenizerDir, config, from: `fresh weights for ${modelArg}` };
    return { model: await loadModel(dir, 'masked-lm', ctx, { seed }), tokenizer, tokenizerDir, config, from: modelArg };
  }
  if (!tokenizerArg)
    throw usageError(
      'graft pretrain needs --model <dir|config.json>, or --tokenizer <dir> for a fresh model of the --hidden-size/--num-hidden-layers shape',
      'missing_argument',
    );
  const { tokenizer, dir } = await loadModelTokenizer(resolve(ctx.cwd, tokenizerArg), {}, undefined, ctx.cwd);
  const config = freshConfig(opts, tokenizer, maxLength);
  return { model: freshModel(config, 'masked-lm', seed, 'the fresh config'), tokenizer, tokenizerDir: dir, config, from: 'a fresh config' };
}

async function run(input: CommandInput, ctx: CliContext): Promise<CommandResult> {
  const { opts, args } = withConfig(input, ctx, options(), ['corpus']);
  const corpus = ([] as string[]).concat((args.corpus as string | string[] | undefined) ?? []);
  if (corpus.length === 0)
    throw usageError('graft pretrain needs a corpus: text files (one document per line), data files, or sst2 / imdb', 'missing_argument');
  const maxLength = (opts.maxLength as number | undefined) ?? 128;
  const evalFraction = (opts.evalFraction as number | undefined) ?? 0.05;
  if (!(evalFraction >= 0 && evalFraction < 1)) throw usageError(`--eval-fraction must be in [0, 1), got ${evalFraction}`);
  const mlmProbability = (opts.mlmProbability as number | undefined) ?? 0.15;
  if (!(mlmProbability > 0 && mlmProbability < 1)) throw usageError(`--mlm-probability must be between 0 and 1, got ${mlmProbability}`);
  const seed = (opts.seed as number | undefined) ?? 42;

  await prepareDevice(opts.device as string | undefined);
  const { model, tokenizer, tokenizerDir, config, from } = await startingModel(opts, ctx, maxLength, seed);
  const specials = specialIds(tokenizer);
  const { documents, sources } = await readCorpus(corpus, opts.textColumn as string | undefined, ctx);
  const packer = new SequencePacker({ blockSize: maxLength, clsTokenId: specials.cls, sepTokenId: specials.sep });
  const blocks = [];
  for (const ids of tokenizeDocuments(tokenizer, documents)) blocks.push(...packer.push(ids));
  blocks.push(...packer.finish());
  const masking = {
    maskTokenId: specials.mask,
    vocabSize: Number(config.vocab_size ?? tokenizer.getVocabSize()),
    specialTokenIds: specials.all,
    mlmProbability,
    wholeWordContinuations: opts.wholeWordMask ? wordPieceContinuations(tokenizer) : undefined,
  };
  const all = Dataset.fromRows(blocks).shuffle({ seed });
  const nEval = evalFraction > 0 ? Math.max(1, Math.round(all.length * evalFraction)) : 0;
  if (all.length - nEval < 1)
    throw usageError(
      `the corpus packs into ${all.length} blocks of ${maxLength} tokens, too few to hold out ${nEval}; add text or lower --eval-fraction`,
      'empty_corpus',
    );
  const trainData = all.skip(nEval);
  const evalData = nEval > 0 ? Dataset.fromRows(maskOnce(all.take(nEval), masking, seed + 1)) : undefined;
  ctx.info(
    `corpus: ${sources.join(', ')}: ${documents.length} documents, ${trainData.length} training blocks of ${maxLength} tokens${evalData ? `, ${evalData.length} held out` : ''}`,
  );
  ctx.info(`model: ${from}, ${model.numParameters().toLocaleString('en-US')} parameters`);

  const given = pickTrainingArguments(opts);
  const batch = ((given.perDeviceTrainBatchSize as number | undefined) ?? 8) * ((given.gradientAccumulationSteps as number | undefined) ?? 1);
  const epochs = (given.numTrainEpochs as number | undefined) ?? 3;
  const total =
    (given.maxSteps as number | undefined) && (given.maxSteps as number) > 0 ? (given.maxSteps as number) : Math.ceil((trainData.length / batch) * epochs);
  const evalStrategy = (given.evalStrategy as IntervalStrategy | undefined) ?? (evalData ? 'epoch' : 'no');
  const outputDir = resolveRunDir(ctx.cwd, (given.outputDir as string | undefined) ?? defaultRunDir('pretrain', corpus[0]));
  const targs = trainingArguments({
    loggingSteps: Math.max(1, Math.round(total / 50)),
    evalStrategy,
    saveStrategy: evalStrategy === 'no' ? 'epoch' : evalStrategy,
    saveTotalLimit: 2,
    ...(evalStrategy !== 'no' ? { loadBestModelAtEnd: true, metricForBestModel: 'loss' } : {}),
    ...given,
    outputDir,
  });

  const collate = languageModelingCollate({ ...masking, padTokenId: Number(config.pad_token_id ?? 0), seed });
  const progress = createProgress({ target: ctx.progressStream, quiet: ctx.quiet || ctx.json, label: 'pretrain' });
  const tokFiles = tokenizerFiles(tokenizerDir);
  const trainer = new Trainer({
    model,
    args: targs,
    trainDataset: trainData,
    evalDataset: evalData,
    collate,
    callbacks: [
      new ProgressCallback(progress.render),
      metricsJsonl(outputDir),
      abortCallback(ctx.signal),
      generatorStateCallback('GraftMaskingGenerator', collate.generator),
    ],
    store: nodeCheckpointStore(outputDir),
    tokenizerFiles: tokFiles,
  });
  ctx.info(`pretraining into ${outputDir}`);
  const started = performance.now();
  try {
    await trainer.train({ resumeFromCheckpoint: resumeTarget(opts.resumeFromCheckpoint) });
  } finally {
    progress.stop();
  }
  const trainSeconds = (performance.now() - started) / 1000;
  if (ctx.signal.aborted) return { outputDir, interrupted: true };

  const losses = trainer.state.logHistory.filter((e) => e.loss !== undefined).map((e) => e.loss as number);
  const evalLosses = trainer.state.logHistory.filter((e) => e.eval_loss !== undefined).map((e) => e.eval_loss as number);
  const final: Record<string, number> = {};
  if (losses.length) final.train_loss = losses[losses.length - 1];
  if (evalLosses.length) {
    final.loss = Math.min(...evalLosses);
    final.perplexity = Math.exp(final.loss);
  }
  const best = await writeBestModel(outputDir, model, tokFiles);
  const report = await writeReport(
    outputDir,
    reportFor({
      title: `graft pretrain: ${from} on ${corpus.join(', ')}`,
      model,
      modelPath: (opts.model as string | undefined) ?? 'fresh config',
      data: {
        corpus: sources.join(', '),
        documents: documents.length,
        trainBlocks: trainData.length,
        evalBlocks: evalData?.length ?? 0,
        blockSize: maxLength,
        mlmProbability,
        wholeWordMask: opts.wholeWordMask ? 'yes' : 'no',
      },
      args: targs,
      logHistory: trainer.state.logHistory,
      final,
      timing: { trainSeconds, stepsPerSecond: progress.stepsPerSecond ?? undefined, samplesPerSecond: progress.samplesPerSecond ?? undefined },
    }),
  );
  if (losses.length) ctx.print(`training loss ${losses[0].toFixed(4)} → ${losses[losses.length - 1].toFixed(4)}`);
  if (evalLosses.length)
    ctx.print(
      `held-out loss ${evalLosses[0].toFixed(4)} → ${evalLosses[evalLosses.length - 1].toFixed(4)} (best ${final.loss.toFixed(4)}, perplexity ${final.perplexity.toFixed(1)})`,
    );
  ctx.print(`pretrained ${trainer.state.globalStep} steps in ${trainSeconds.toFixed(1)} s; model: ${best}; report: ${report}`);
  return {
    outputDir,
    best,
    report,
    trainLosses: losses,
    evalLosses,
    metrics: final,
    globalStep: trainer.state.globalStep,
    trainSeconds,
    trainBlocks: trainData.length,
    evalBlocks: evalData?.length ?? 0,
  };
}

/** `graft pretrain`. */
export const pretrainCommand = defineCommand({
  name: 'pretrain',
  summary: 'masked-LM pretraining on a text corpus (make your own base model)',
  arguments: [
    { name: 'corpus', description: 'text files (one document per line), data files, dataset folders, or sst2 / imdb', required: false, variadic: true },
  ],
  options,
  examples: [
    'graft pretrain corpus.txt --model assets/models/bert-tiny-imdb-mlm --num-train-epochs 1',
    'graft pretrain sst2 --tokenizer assets/tokenizers/bert-base-uncased --hidden-size 128 --num-hidden-layers 2 --learning-rate 1e-3 --whole-word-mask',
  ],
  run,
});
