/**
 * `graft predict <checkpoint> [text…]`: labels texts with a fine-tuned classifier. Texts come
 * from the command line, or from `--file` (one text per line for .txt, or a data file with
 * `--text-column`); results go to stdout (`label  score  text`) or to `--output x.jsonl`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { writeFileAtomic } from '@graft/core/node';
import { Dataset, padCollate } from '@graft/data';
import { Trainer, trainingArguments } from '@graft/train';
import { type CommandInput, type CommandResult, type CliContext, defineCommand, type OptionSpec } from '../command';
import { pickTextColumn, readTable } from '../data-loading';
import { prepareDevice } from '../device';
import { usageError } from '../errors';
import { checkMaxLength, loadModelTokenizer, maxPositions } from '../model-loading';
import { baseModelOption, openClassifier } from '../classifier-source';
import { tokenizeDataset } from '../tokenize';
import { maxLengthOption, tokenizerOption } from './shared-options';

const options: OptionSpec[] = [
  { name: 'file', type: 'path', valueName: 'path', description: 'texts to label: a .txt file (one per line, - for stdin) or a data file with --text-column' },
  { name: 'text-column', valueName: 'name', description: 'column with the text in --file (default: text/sentence/review …)' },
  { name: 'output', short: 'o', type: 'path', valueName: 'file.jsonl', description: 'write one JSON line per text here instead of printing' },
  tokenizerOption,
  maxLengthOption,
  { name: 'batch-size', type: 'integer', description: 'texts per forward pass (default 32)' },
  { name: 'device', choices: ['cpu', 'webgpu'], description: 'where to run (default cpu)' },
  baseModelOption,
];

/** One prediction. */
export interface Prediction {
  text: string;
  label: string;
  score: number;
  scores: Record<string, number>;
}

async function readTexts(opts: Record<string, unknown>, args: string[], ctx: CliContext): Promise<string[]> {
  if (args.length > 0 && opts.file) throw usageError('give texts on the command line or --file, not both');
  if (args.length > 0) return args;
  const file = opts.file as string | undefined;
  if (!file) throw usageError('graft predict needs texts: graft predict <checkpoint> "some text" … or --file texts.txt', 'missing_argument');
  if (file === '-' || extname(file).toLowerCase() === '.txt') {
    const path = file === '-' ? 0 : resolve(ctx.cwd, file);
    if (path !== 0 && !existsSync(path)) throw usageError(`--file ${file}: no such file (${path})`, 'file_not_found');
    return readFileSync(path, 'utf8')
      .split(/\r?\n/)
      .filter((line) => line.trim().length > 0);
  }
  const table = await readTable(file, ctx.cwd, '--file');
  const column = pickTextColumn(table, opts.textColumn as string | undefined);
  return table.dataset.toArray().map((row) => String(row[column] ?? ''));
}

function softmaxRow(logits: Float32Array, row: number, k: number): number[] {
  let max = -Infinity;
  for (let c = 0; c < k; c++) max = Math.max(max, logits[row * k + c]);
  const exps = Array.from({ length: k }, (_, c) => Math.exp(logits[row * k + c] - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

async function run(input: CommandInput, ctx: CliContext): Promise<CommandResult> {
  const opts = input.options;
  const checkpoint = input.args.checkpoint as string | undefined;
  if (!checkpoint) throw usageError('graft predict needs a checkpoint folder: graft predict <checkpoint> "some text"', 'missing_argument');
  const source = await openClassifier(checkpoint, ctx.cwd, opts.baseModel as string | undefined);
  const { dir, config, labels: names } = source;
  const maxLength = (opts.maxLength as number | undefined) ?? Math.min(512, maxPositions(config) ?? 512);
  checkMaxLength(maxLength, config, checkpoint);
  const { tokenizer } = await loadModelTokenizer(source.tokenizerDir, config, opts.tokenizer as string | undefined, ctx.cwd);
  const texts = await readTexts(opts, (input.args.text as string[] | undefined) ?? [], ctx);
  if (texts.length === 0) throw usageError(`--file ${opts.file}: no texts in it`, 'no_texts');

  const device = (opts.device as 'cpu' | 'webgpu' | undefined) ?? 'cpu';
  await prepareDevice(device);
  const model = await source.load(ctx);
  const rows = Dataset.fromColumns({ text: texts });
  const dataset = tokenizeDataset(rows, tokenizer, { textColumn: 'text', maxLength, source: (opts.file as string | undefined) ?? 'the command line' });
  const trainer = new Trainer({
    model,
    args: trainingArguments({ perDeviceEvalBatchSize: (opts.batchSize as number | undefined) ?? 32, device }),
    evalDataset: dataset,
    collate: padCollate({ padTokenId: config.pad_token_id ?? 0 }),
  });
  const { logits } = await trainer.predict(dataset);
  const k = names.length;
  const predictions: Prediction[] = texts.map((text, i) => {
    const probs = softmaxRow(logits, i, k);
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[c] > probs[best]) best = c;
    return { text, label: names[best], score: probs[best], scores: Object.fromEntries(names.map((n, c) => [n, probs[c]])) };
  });

  const output = opts.output as string | undefined;
  if (output) {
    const path = resolve(ctx.cwd, output);
    await writeFileAtomic(path, `${predictions.map((p) => JSON.stringify(p)).join('\n')}\n`);
    ctx.info(`${predictions.length} predictions written to ${path}`);
    return { checkpoint: dir, ...(source.baseDir ? { baseModel: source.baseDir } : {}), count: predictions.length, output: path };
  }
  const width = Math.max(...names.map((n) => n.length));
  for (const p of predictions) ctx.print(`${p.label.padEnd(width)}  ${p.score.toFixed(4)}  ${p.text}`);
  return { checkpoint: dir, ...(source.baseDir ? { baseModel: source.baseDir } : {}), predictions };
}

/** `graft predict`. */
export const predictCommand = defineCommand({
  name: 'predict',
  summary: 'label texts with a fine-tuned classifier',
  arguments: [
    { name: 'checkpoint', description: 'a fine-tuned model folder, or a PEFT adapter folder (e.g. runs/<run>/best)', required: false },
    { name: 'text', description: 'texts to label', required: false, variadic: true },
  ],
  options,
  examples: [
    'graft predict runs/demo/best "a gorgeous, witty, seductive movie."',
    'graft predict runs/demo/best --file reviews.txt --output predictions.jsonl',
  ],
  run,
});
