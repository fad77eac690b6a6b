/**
 * `graft count-tokens <model> <data>`: how long a dataset's texts are in a model's tokens, special
 * tokens included, so `--max-length` can be chosen from numbers rather than guessed. It takes the
 * `<model>` and `<data>` arguments and the column flags exactly as `graft train` does (built-in
 * names, files, Hugging Face folders, formats plugins register), through @graft/cli's public
 * helpers, and its errors are the CLI's typed ones (exit 2 for a usage error, 3 for bad data).
 */
import {
  type CliContext,
  type CommandInput,
  type CommandResult,
  columnOptions,
  dataError,
  defineCommand,
  loadModelTokenizer,
  loadSplits,
  pickTextColumn,
  readModelDir,
  requireColumn,
  tokenizerOption,
  usageError,
} from '@graft/cli';
import { type TokenStats, tokenStats } from './token-stats';

/** Rows per `encodeBatch` call. */
const BATCH = 1000;

function textOf(value: unknown, column: string, row: number, source: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw dataError(`${source}: row ${row + 1} has no text in the column "${column}"; every row needs text`, 'bad_text');
}

const fixed = (n: number, digits = 1) => (Number.isInteger(n) ? String(n) : n.toFixed(digits));
/** A share as a percentage: one decimal, or two significant digits below 1% (4 rows of 67,349 are 0.0059%, not 0.0%). */
const percent = (share: number) => `${share === 0 || share >= 0.01 ? fixed(share * 100) : (share * 100).toPrecision(2)}%`;

/** The human-readable report. */
export function formatTokenStats(s: TokenStats, source: string): string[] {
  const p = s.percentiles;
  const lines = [
    `${source}: ${s.rows} rows, ${s.tokens} tokens`,
    `length: min ${s.min}  mean ${fixed(s.mean)}  median ${p.p50}  p90 ${p.p90}  p95 ${p.p95}  p99 ${p.p99}  max ${s.max}`,
    `--max-length ${s.suggestedMaxLength} fits ${percent(s.coverage)} of the rows whole`,
  ];
  if (s.truncation) {
    const t = s.truncation;
    lines.push(`--max-length ${t.maxLength} cuts ${t.rows} rows (${percent(t.share)}), ${t.tokensLost} tokens in all`);
  }
  return lines;
}

async function run(input: CommandInput, ctx: CliContext): Promise<CommandResult> {
  const model = input.args.model as string;
  const data = input.args.data as string;
  const o = input.options;
  const coverage = (o.coverage as number | undefined) ?? 0.95;
  if (!(coverage > 0 && coverage <= 1)) throw usageError(`--coverage must be a share of the rows in (0, 1], like 0.95; got ${coverage}`, 'bad_value');
  const maxLength = o.maxLength as number | undefined;
  if (maxLength !== undefined && maxLength < 1) throw usageError(`--max-length must be at least 1, got ${maxLength}`, 'bad_value');

  const { dir, config } = readModelDir(model, ctx.cwd);
  const { tokenizer } = await loadModelTokenizer(dir, config, o.tokenizer as string | undefined, ctx.cwd);
  const split = o.split as string | undefined;
  const splits = await loadSplits(data, ctx, split ? { split } : { train: true, eval: false });
  const table = splits.train ?? splits.eval;
  if (!table) throw usageError(`${data} has no training split; pass --split <name>`, 'split_not_found');
  const textColumn = pickTextColumn(table, o.textColumn as string | undefined, splits.builtin?.textColumn);
  const pairColumn = o.textPairColumn as string | undefined;
  if (pairColumn) requireColumn(table, pairColumn, '--text-pair-column');

  const rows = table.dataset.toArray();
  if (rows.length === 0) throw dataError(`${table.source} has no rows`, 'empty_data');
  const lengths: number[] = [];
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH);
    const texts = batch.map((r, i) => textOf(r[textColumn], textColumn, start + i, table.source));
    const inputs = pairColumn ? texts.map((t, i) => [t, textOf(batch[i][pairColumn], pairColumn, start + i, table.source)] as [string, string]) : texts;
    for (const e of tokenizer.encodeBatch(inputs)) lengths.push(e.ids.length);
  }
  const stats = tokenStats(lengths, { maxLength, coverage });
  for (const line of formatTokenStats(stats, table.source)) ctx.print(line);
  return { source: table.source, textColumn, ...stats };
}

/** The `count-tokens` command. */
export const countTokensCommand = defineCommand({
  name: 'count-tokens',
  summary: "token length statistics of a dataset in a model's tokens (to choose --max-length)",
  description:
    "Tokenizes the text column (and --text-pair-column) of <data> with <model>'s tokenizer, special tokens included, and prints the row count, the token count, the length distribution and the --max-length that fits --coverage of the rows whole.",
  arguments: [
    { name: 'model', description: 'model folder (its tokenizer is used), as for graft train' },
    { name: 'data', description: 'a data file, a Hugging Face dataset folder or a built-in name (sst2, imdb)' },
  ],
  options: [
    tokenizerOption,
    ...columnOptions.filter((c) => c.name !== 'label-column'),
    { name: 'split', valueName: 'name', description: 'split of a built-in or Hugging Face dataset (default: train)' },
    { name: 'max-length', type: 'integer', description: 'also report how many rows and tokens this limit would cut' },
    { name: 'coverage', type: 'number', valueName: 'share', description: 'share of rows the suggested --max-length fits whole (default 0.95)' },
  ],
  examples: ['graft --plugin @graft/plugin-example/cli count-tokens assets/models/bert-tiny-imdb-mlm sst2 --max-length 64'],
  run,
});
