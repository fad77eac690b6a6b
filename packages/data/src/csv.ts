/**
 * CSV and TSV sources: `readCsv` reads everything into a Dataset (inferring column types over
 * whole columns, as pandas does for Hugging Face's CSV loader), `streamCsv` gives an
 * IterableDataset that reads as it is iterated (declared `types` only, since a stream cannot
 * look ahead). A malformed record throws a DataFormatError at its line and column, or is
 * skipped and counted with `onError: 'skip'`.
 */
import { ArgumentError } from '@graft/core';
import { type DataSource, type SourceContext, textChunks } from './chunks';
import { type ColumnType, type ColumnTypes, checkTypes, inferType, Problem, parseText } from './column-types';
import { type CsvRecord, CsvParser, type CsvSyntax } from './csv-parser';
import { Dataset } from './dataset';
import { ColumnNotFoundError, DataFormatError } from './errors';
import { Hasher, stableJson } from './fingerprint';
import { IterableDataset } from './iterable-dataset';
import { checkOptions, newReport, READ_OPTION_KEYS, type ReadOptions, type ReadReport, reject } from './options';

/** A CSV value: text, or a typed value of a declared or inferred column (null for an empty cell). */
export type CsvValue = string | number | boolean | null;

/** Options of the CSV readers. */
export interface CsvOptions extends ReadOptions {
  /** The field delimiter, one character: `,` (default), `\t`, `;`, `|`… */
  delimiter?: string;
  /** The quote character (default `"`), or null when quotes are plain text (GLUE's TSVs). */
  quote?: string | null;
  /** The first record names the columns (default true). */
  header?: boolean;
  /** Column names: replace the header's (with `header`), or name a headerless file's (default `column0`, `column1`, …). */
  columns?: readonly string[];
  /** Take a stray quote literally instead of failing (`5'10"`, `"a"b`). */
  relaxQuotes?: boolean;
  /** Skip lines with no characters (default true). */
  skipEmptyLines?: boolean;
  /** Column types (`{ label: 'int' }`); a value that does not parse is a `wrong_type` error at its line and column. */
  types?: ColumnTypes;
}

/** Options of {@link readCsv}: those of the stream, and type inference. */
export interface ReadCsvOptions extends CsvOptions {
  /** Give undeclared columns the narrowest type all their values have (int, float, bool; default true). */
  inferTypes?: boolean;
}

const CSV_KEYS = [...READ_OPTION_KEYS, 'delimiter', 'quote', 'header', 'columns', 'relaxQuotes', 'skipEmptyLines', 'types'];

/** Reads a CSV source into a Dataset. */
export function readCsv<Row extends object = Record<string, CsvValue>>(source: DataSource, opts?: ReadCsvOptions): Promise<Dataset<Row>> {
  return readCsvWith(source, opts, {}, 'readCsv');
}

/** Reads a TSV source (`delimiter: '\t'`) into a Dataset. */
export function readTsv<Row extends object = Record<string, CsvValue>>(source: DataSource, opts?: ReadCsvOptions): Promise<Dataset<Row>> {
  return readCsvWith(source, { delimiter: '\t', ...opts }, {}, 'readTsv');
}

/** A CSV source as an IterableDataset: rows are parsed as they are iterated, in bounded memory. */
export function streamCsv<Row extends object = Record<string, CsvValue>>(source: DataSource | (() => DataSource), opts?: CsvOptions): IterableDataset<Row> {
  return streamCsvWith(source, opts, {}, 'streamCsv');
}

/** `readCsv` with the Node entry's context (its gunzip). */
export async function readCsvWith<Row extends object>(source: DataSource, opts: ReadCsvOptions = {}, ctx: SourceContext, where: string): Promise<Dataset<Row>> {
  checkCsvOptions(opts, [...CSV_KEYS, 'inferTypes'], where);
  const report = newReport();
  const hasher = new Hasher();
  const rows: Record<string, unknown>[] = [];
  const header: string[] = [];
  for await (const row of csvRows(source, opts, report, hasher, ctx, header)) rows.push(row);
  if (opts.inferTypes !== false) {
    for (const name of header) {
      if (opts.types?.[name]) continue;
      const type = inferType(rows.map((r) => r[name] as string));
      if (type !== 'string') for (const r of rows) r[name] = parseText(r[name] as string, type);
    }
  }
  const { file: _f, onSkip: _s, ...keyed } = opts;
  hasher.update(`\ncsv:${stableJson(keyed)}`);
  return new Dataset(rows as Row[], { report, fingerprint: hasher.hex(), columns: header });
}

/** `streamCsv` with the Node entry's context; `source` may be a function that opens it anew for each pass. */
export function streamCsvWith<Row extends object>(
  source: DataSource | (() => DataSource),
  opts: CsvOptions = {},
  ctx: SourceContext,
  where: string,
): IterableDataset<Row> {
  checkCsvOptions(opts, CSV_KEYS, where);
  return new IterableDataset<Row>(
    (report) => csvRows(typeof source === 'function' ? source() : source, opts, report, undefined, ctx, []) as AsyncIterable<Row>,
  );
}

function checkCsvOptions(opts: CsvOptions, keys: readonly string[], where: string): void {
  checkOptions(opts, keys, where);
  const one = (v: unknown, name: string) => {
    if (typeof v !== 'string' || v.length !== 1 || v === '\n' || v === '\r')
      throw new ArgumentError(`${where}: ${name} must be one character other than a line break, got ${JSON.stringify(v)}`);
  };
  if (opts.delimiter !== undefined) one(opts.delimiter, 'delimiter');
  if (opts.quote !== undefined && opts.quote !== null) one(opts.quote, 'quote');
  if ((opts.quote ?? '"') === (opts.delimiter ?? ',')) throw new ArgumentError(`${where}: the quote and the delimiter must differ`);
  if (opts.columns !== undefined && (!Array.isArray(opts.columns) || opts.columns.some((c) => typeof c !== 'string')))
    throw new ArgumentError(`${where}: columns must be an array of column names`);
  checkTypes(opts.types, where);
}

/**
 * The rows of a CSV source. Column names go into `header` once known; undeclared columns stay
 * text (readCsv infers their types afterwards). Records are parsed a chunk at a time and handed
 * out before the next chunk is read.
 */
async function* csvRows(
  source: DataSource,
  opts: CsvOptions,
  report: ReadReport,
  hasher: Hasher | undefined,
  ctx: SourceContext,
  header: string[],
): AsyncGenerator<Record<string, unknown>> {
  const syntax: CsvSyntax = {
    delimiter: opts.delimiter ?? ',',
    quote: opts.quote === undefined ? '"' : opts.quote,
    relaxQuotes: opts.relaxQuotes ?? false,
    skipEmptyLines: opts.skipEmptyLines ?? true,
  };
  const file = opts.file;
  // Records and the parser's errors, in file order: an error is raised (or counted) after the rows before it.
  const pending: (CsvRecord | DataFormatError)[] = [];
  const parser = new CsvParser(
    syntax,
    file,
    (r) => pending.push(r),
    (e) => pending.push(e),
  );
  let names: string[] | null = opts.header === false ? (opts.columns ? [...opts.columns] : null) : null;
  let types: (ColumnType | undefined)[] = [];
  const setNames = (list: string[], line: number) => {
    const seen = new Map<string, number>();
    list.forEach((name, i) => {
      const first = seen.get(name);
      if (first !== undefined)
        throw new DataFormatError(
          'csv_duplicate_column',
          { file, line, field: name },
          `columns ${first + 1} and ${i + 1} are both named "${name}"; rename one, or pass columns: [...] with distinct names`,
        );
      seen.set(name, i);
    });
    for (const declared of Object.keys(opts.types ?? {})) if (!seen.has(declared)) throw new ColumnNotFoundError(declared, list, `${file ?? 'CSV'}: types`);
    names = list;
    types = list.map((n) => opts.types?.[n]);
    header.push(...list);
  };
  if (names) setNames(names, 1);
  let headerPending = opts.header !== false;

  const toRow = (rec: CsvRecord | DataFormatError): Record<string, unknown> | null => {
    if (rec instanceof DataFormatError) {
      reject(rec, opts, report);
      return null;
    }
    if (headerPending) {
      headerPending = false;
      const list = opts.columns ? [...opts.columns] : rec.fields.map((f, i) => f || `column${i}`);
      if (opts.columns && opts.columns.length !== rec.fields.length)
        throw new ArgumentError(
          `${file ?? 'CSV'}: columns names ${opts.columns.length} columns, but the header has ${rec.fields.length} (${rec.fields.join(', ')})`,
        );
      setNames(list, rec.line);
      return null;
    }
    if (!names)
      setNames(
        rec.fields.map((_, i) => `column${i}`),
        rec.line,
      );
    const cols = names!;
    const n = rec.fields.length;
    if (n !== cols.length) {
      const extra = n > cols.length;
      const at = extra ? cols.length : n - 1;
      reject(
        new DataFormatError(
          'csv_field_count',
          { file, line: rec.lines ? rec.lines[at] : rec.line, column: rec.columns[at], field: extra ? undefined : cols[n] },
          extra
            ? `${n} fields, but the header has ${cols.length} columns (${cols.join(', ')}); quote fields that contain the delimiter ${JSON.stringify(syntax.delimiter)}`
            : `${n} field${n === 1 ? '' : 's'}, but the header has ${cols.length} columns: "${cols[n]}"${cols.length - n > 1 ? ' and more are' : ' is'} missing`,
        ),
        opts,
        report,
      );
      return null;
    }
    const row: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const type = types[i];
      if (type === undefined || type === 'string') {
        row[cols[i]] = rec.fields[i];
        continue;
      }
      const v = parseText(rec.fields[i], type);
      if (v instanceof Problem) {
        const at = { file, line: rec.lines ? rec.lines[i] : rec.line, column: rec.columns[i], field: cols[i] };
        reject(new DataFormatError('wrong_type', at, `${v.problem}, but the column is declared ${type}`), opts, report);
        return null;
      }
      row[cols[i]] = v;
    }
    return row;
  };

  let atLine = 1;
  try {
    for await (const chunk of textChunks(source, opts, report, hasher, ctx)) {
      parser.push(chunk);
      atLine = parser.line;
      report.maxBufferedChars = Math.max(report.maxBufferedChars, chunk.length + parser.heldChars);
      report.maxBufferedRows = Math.max(report.maxBufferedRows, pending.length);
      for (let k = 0; k < pending.length; k++) {
        const row = toRow(pending[k]);
        if (row) {
          report.rows++;
          yield row;
        }
      }
      pending.length = 0;
    }
  } catch (e) {
    if (!(e instanceof DataFormatError) || e.line !== undefined || (e.code !== 'gzip_corrupt' && e.code !== 'invalid_utf8')) throw e;
    // The stream broke mid-file: say how far it got, and in skip mode keep the rows before.
    reject(new DataFormatError(e.code, { file, line: atLine }, e.problem, { cause: e.cause }), opts, report);
    return;
  }
  parser.end();
  for (const rec of pending) {
    const row = toRow(rec);
    if (row) {
      report.rows++;
      yield row;
    }
  }
}
