/**
 * `graft inspect <model>`: what a checkpoint is before training it: architecture and shape,
 * the layer table, parameter counts and the trainable share, and an estimate of the memory a
 * fine-tune needs at a batch size and length (weights, gradients, AdamW state, activations).
 * `--method` (and its flags, as `graft train` takes them) sets the method up on the model for
 * sequence classification and reports what it would train, in PEFT's counts.
 */
import type { ModelTask } from '@graft/models';
import { formatTrainableParameters } from '@graft/peft';
import { trainingArguments } from '@graft/train';
import { type CommandInput, type CommandResult, type CliContext, defineCommand } from '../command';
import { usageError } from '../errors';
import { estimateTrainingMemory, formatBytes } from '../inspect/memory-estimate';
import { formatModuleTable, moduleTable } from '../inspect/module-table';
import { resolveMethod, trainMethodOptions } from '../methods/index';
import { loadModel, type ModelConfigJson, maxPositions, readModelDir } from '../model-loading';

const TASKS: readonly ModelTask[] = ['base', 'sequence-classification', 'masked-lm', 'token-classification', 'question-answering'];

/** The task of a checkpoint's saved architecture (`BertForMaskedLM` → masked-lm). */
export function taskOf(config: ModelConfigJson): ModelTask {
  const arch = config.architectures?.[0] ?? '';
  if (arch.endsWith('ForMaskedLM')) return 'masked-lm';
  if (arch.endsWith('ForSequenceClassification')) return 'sequence-classification';
  if (arch.endsWith('ForTokenClassification')) return 'token-classification';
  if (arch.endsWith('ForQuestionAnswering')) return 'question-answering';
  return 'base';
}

async function run(input: CommandInput, ctx: CliContext): Promise<CommandResult> {
  const opts = input.options;
  const path = input.args.model as string;
  const { dir, config } = readModelDir(path, ctx.cwd);
  const chosen = opts.method === undefined ? null : resolveMethod(opts.method, opts, ctx.cwd);
  if (chosen && opts.task !== undefined && opts.task !== 'sequence-classification')
    throw usageError(`--method sets a method up for sequence classification; it does not go with --task ${opts.task}`, 'invalid_option');
  const task = chosen ? 'sequence-classification' : ((opts.task as ModelTask | undefined) ?? taskOf(config));
  const batchSize = (opts.batchSize as number | undefined) ?? 32;
  const length = (opts.maxLength as number | undefined) ?? Math.min(128, maxPositions(config) ?? 128);
  if (batchSize < 1 || length < 1) throw usageError('--batch-size and --max-length must be at least 1');
  const model = await loadModel(dir, task, ctx);
  // what the method trains (PEFT's counts: of the base model's parameters, adapters included)
  const counts = chosen
    ? chosen.method
        .prepare({ model, value: chosen.value, options: opts, args: trainingArguments({ outputDir: '.' }), seed: 0, modelDir: dir, ctx, note: () => {} })
        .counts()
    : null;
  const parameters = counts?.all ?? model.numParameters();
  const trainable = counts?.trainable ?? model.numParameters({ trainableOnly: true });
  // after the method: the table's trainable column shows what it froze and what it added
  const rows = moduleTable(model as never, (opts.depth as number | undefined) ?? 4);
  const shape = {
    hidden_size: Number(config.hidden_size ?? config.dim ?? 0),
    num_hidden_layers: Number(config.num_hidden_layers ?? config.n_layers ?? 0),
    num_attention_heads: Number(config.num_attention_heads ?? config.n_heads ?? 0),
    intermediate_size: Number(config.intermediate_size ?? config.hidden_dim ?? 0),
    vocab_size: Number(config.vocab_size ?? 0),
  };
  const numLabels = typeof config.num_labels === 'number' ? config.num_labels : Object.keys(config.id2label ?? {}).length || 2;
  const memory = estimateTrainingMemory({
    shape,
    parameters,
    trainableParameters: trainable,
    batchSize,
    sequenceLength: length,
    head:
      task === 'masked-lm'
        ? { kind: 'token', outputs: shape.vocab_size }
        : task === 'sequence-classification'
          ? { kind: 'sequence', numLabels }
          : { kind: 'token', outputs: numLabels },
  });

  ctx.print(`${path}: ${model.architecture} (model_type ${config.model_type ?? '?'}, task ${task})`);
  ctx.print(
    `  hidden ${shape.hidden_size}, layers ${shape.num_hidden_layers}, heads ${shape.num_attention_heads}, intermediate ${shape.intermediate_size}, vocab ${shape.vocab_size}, positions ${config.max_position_embeddings ?? '?'}`,
  );
  ctx.print(
    `parameters: ${parameters.toLocaleString('en-US')} (trainable ${trainable.toLocaleString('en-US')}, ${((100 * trainable) / Math.max(1, parameters)).toFixed(1)}%)`,
  );
  if (counts) ctx.print(`method ${chosen?.value}: ${formatTrainableParameters(counts)}`);
  ctx.print('');
  for (const line of formatModuleTable(rows)) ctx.print(line);
  ctx.print('');
  ctx.print(`memory to train at batch ${batchSize} × ${length} tokens (float32, AdamW; an estimate):`);
  ctx.print(
    `  weights ${formatBytes(memory.weights)}, gradients ${formatBytes(memory.gradients)}, AdamW state ${formatBytes(memory.optimizerState)}, activations ${formatBytes(memory.activations)}; total ${formatBytes(memory.total)}`,
  );
  return {
    model: dir,
    architecture: model.architecture,
    modelType: config.model_type ?? null,
    task,
    config: shape,
    parameters,
    trainableParameters: trainable,
    trainableShare: trainable / Math.max(1, parameters),
    ...(chosen ? { method: chosen.value } : {}),
    layers: rows,
    memory: { batchSize, sequenceLength: length, ...memory },
  };
}

/** `graft inspect`. */
export const inspectCommand = defineCommand({
  name: 'inspect',
  summary: 'show a model: architecture, layers, parameters, memory to train',
  arguments: [{ name: 'model', description: 'model folder (config.json, model.safetensors)' }],
  options: [
    { name: 'task', choices: TASKS, description: 'load the model for this task (default: from config.json architectures)' },
    { name: 'batch-size', type: 'integer', description: 'batch size for the memory estimate (default 32)' },
    { name: 'max-length', type: 'integer', description: 'tokens per example for the memory estimate (default 128)' },
    { name: 'depth', type: 'integer', description: 'module depth of the layer table (default 4)' },
    ...trainMethodOptions(),
  ],
  examples: [
    'graft inspect assets/models/bert-tiny-imdb-mlm',
    'graft inspect assets/models/bert-tiny-imdb-mlm --method lora --lora-r 16',
    'graft inspect runs/demo/best --batch-size 64 --max-length 256 --json',
  ],
  run,
});
