/**
 * JSON Lines and JSON sources. JSONL is read line by line (`streamJsonl` holds one chunk and an
 * unfinished line); a bad line is a `json_syntax` error at its line and column, a line that is
 * not an object a `json_not_object` error. A JSON document is an array of rows or an object of
 * equally long columns (HF's two JSON layouts), or either under a key given as `field`; it is
 * parsed whole, so it cannot stream — use JSONL for files larger than memory.
 */
import { ArgumentError } from '@graft/core';
import { type DataSource, type SourceContext, textChunks } from './chunks';
import { type ColumnTypes, checkTypes, describeValue, typeProblem } from './column-types';
import { Dataset } from './dataset';
import { DataFormatError, type DataLocation } from './errors';
import { Hasher, stableJson } from './fingerprint';
import { IterableDataset } from './iterable-dataset';
import { lineAndColumn, locateJsonError } from './json-locate';
import { checkOptions, newReport, READ_OPTION_KEYS, type ReadOptions, type ReadReport, reject } from './options';

/** Options of the JSON and JSONL readers. */
export interface JsonOptions extends ReadOptions {
  /** Types the values must have (`{ label: 'int' }`); a value of another type is a `wrong_type` error. */
  types?: ColumnTypes;
}

/** Options of {@link readJson}. */
export interface ReadJsonOptions extends JsonOptions {
  /** Read the rows (or columns) under this key of the top-level object (HF's `field`). */
  field?: string;
}

const JSON_KEYS = [...READ_OPTION_KEYS, 'types'];

/** Reads a JSON Lines source into a Dataset. */
export function readJsonl<Row extends object = Record<string, unknown>>(source: DataSource, opts?: JsonOptions): Promise<Dataset<Row>> {
  return readJsonlWith(source, opts, {}, 'readJsonl');
}

/** A JSON Lines source as an IterableDataset, parsed as it is iterated. */
export function streamJsonl<Row extends object = Record<string, unknown>>(source: DataSource | (() => DataSource), opts?: JsonOptions): IterableDataset<Row> {
  return streamJsonlWith(source, opts, {}, 'streamJsonl');
}

/** Reads a JSON document (an array of rows, or an object of columns) into a Dataset. */
export function readJson<Row extends object = Record<string, unknown>>(source: DataSource, opts?: ReadJsonOptions): Promise<Dataset<Row>> {
  return readJsonWith(source, opts, {}, 'readJson');
}

/** `readJsonl` with the Node entry's context. */
export async function readJsonlWith<Row extends object>(source: DataSource, opts: JsonOptions = {}, ctx: SourceContext, where: string): Promise<Dataset<Row>> {
  checkOptions(opts, JSON_KEYS, where);
  checkTypes(opts.types, where);
  const report = newReport();
  const hasher = new Hasher();
  const rows: Row[] = [];
  for await (const row of jsonlRows(source, opts, report, hasher, ctx)) rows.push(row as Row);
  return new Dataset(rows, { report, fingerprint: hasher.update(`\njsonl:${stableJson(opts.types ?? null)}`).hex() });
}

/** `streamJsonl` with the Node entry's context; `source` may be a function that opens it for each pass. */
export function streamJsonlWith<Row extends object>(
  source: DataSource | (() => DataSource),
  opts: JsonOptions = {},
  ctx: SourceContext,
  where: string,
): IterableDataset<Row> {
  checkOptions(opts, JSON_KEYS, where);
  checkTypes(opts.types, where);
  return new IterableDataset<Row>((report) => jsonlRows(typeof source === 'function' ? source() : source, opts, report, undefined, ctx) as AsyncIterable<Row>);
}

/** `readJson` with the Node entry's context. */
export async function readJsonWith<Row extends object>(
  source: DataSource,
  opts: ReadJsonOptions = {},
  ctx: SourceContext,
  where: string,
): Promise<Dataset<Row>> {
  checkOptions(opts, [...JSON_KEYS, 'field'], where);
  checkTypes(opts.types, where);
  if (opts.field !== undefined && typeof opts.field !== 'string') throw new ArgumentError(`${where}: field must be a string (a key of the top-level object)`);
  const report = newReport();
  const hasher = new Hasher();
  const parts: string[] = [];
  for await (const chunk of textChunks(source, opts, report, hasher, ctx)) parts.push(chunk);
  const text = parts.join('');
  report.maxBufferedChars = text.length;
  const file = opts.file;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw syntaxError(text, file, 0, e);
  }
  if (opts.field !== undefined) {
    if (!isObject(doc) || !(opts.field in doc))
      throw new DataFormatError(
        'json_shape',
        { file },
        `the document has no top-level key "${opts.field}" (field)${isObject(doc) ? `; its keys are ${Object.keys(doc).join(', ')}` : ''}`,
      );
    doc = doc[opts.field];
  }
  const rows: Row[] = [];
  if (Array.isArray(doc)) {
    doc.forEach((value, row) => {
      if (!isObject(value)) return reject(notObject({ file, row }, value), opts, report);
      if (checkRow(value, opts, report, { file, row })) rows.push(value as Row);
    });
  } else if (isObject(doc) && Object.values(doc).every(Array.isArray)) {
    const columns = Object.entries(doc) as [string, unknown[]][];
    const n = columns.length ? columns[0][1].length : 0;
    const uneven = columns.find(([, v]) => v.length !== n);
    if (uneven)
      throw new DataFormatError(
        'json_shape',
        { file, field: uneven[0] },
        `column "${uneven[0]}" has ${uneven[1].length} values but "${columns[0][0]}" has ${n}`,
      );
    for (let i = 0; i < n; i++) {
      const row: Record<string, unknown> = {};
      for (const [name, values] of columns) row[name] = values[i];
      if (checkRow(row, opts, report, { file, row: i })) rows.push(row as Row);
    }
  } else {
    throw new DataFormatError(
      'json_shape',
      { file },
      `expected an array of rows ([{...}, ...]) or an object of equally long columns ({"text": [...], "label": [...]}), got ${describeValue(doc)}${isObject(doc) ? '; pass field: "<key>" to read rows under a key' : ''}`,
    );
  }
  report.rows = rows.length;
  report.maxBufferedRows = rows.length;
  return new Dataset(rows, { report, fingerprint: hasher.update(`\njson:${stableJson([opts.types ?? null, opts.field ?? null])}`).hex() });
}

/** The rows of a JSONL source, a line at a time. */
async function* jsonlRows(source: DataSource, opts: JsonOptions, report: ReadReport, hasher: Hasher | undefined, ctx: SourceContext): AsyncGenerator<object> {
  const file = opts.file;
  let line = 0;
  let partial: string[] = [];
  let partialChars = 0;
  const parseLine = (text: string): object | null => {
    line++;
    const body = text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text;
    if (body.trim() === '') return null;
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch (e) {
      reject(syntaxError(body, file, line - 1, e), opts, report);
      return null;
    }
    if (!isObject(value)) {
      reject(notObject({ file, line }, value), opts, report);
      return null;
    }
    return checkRow(value, opts, report, { file, line }, body) ? value : null;
  };
  const rows: object[] = [];
  try {
    for await (const chunk of textChunks(source, opts, report, hasher, ctx)) {
      let start = 0;
      for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
        let text = chunk.slice(start, nl);
        if (partial.length) (text = partial.join('') + text), (partial = []), (partialChars = 0);
        const row = parseLine(text);
        if (row) rows.push(row);
        start = nl + 1;
      }
      if (start < chunk.length) partial.push(chunk.slice(start)), (partialChars += chunk.length - start);
      report.maxBufferedChars = Math.max(report.maxBufferedChars, chunk.length + partialChars);
      report.maxBufferedRows = Math.max(report.maxBufferedRows, rows.length);
      for (const row of rows) {
        report.rows++;
        yield row;
      }
      rows.length = 0;
    }
  } catch (e) {
    if (!(e instanceof DataFormatError) || e.line !== undefined || (e.code !== 'gzip_corrupt' && e.code !== 'invalid_utf8')) throw e;
    reject(new DataFormatError(e.code, { file, line: line + 1 }, e.problem, { cause: e.cause }), opts, report);
    return;
  }
  if (partial.length) {
    const row = parseLine(partial.join(''));
    if (row) {
      report.rows++;
      yield row;
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function notObject(at: DataLocation, value: unknown): DataFormatError {
  return new DataFormatError('json_not_object', at, `a row must be a JSON object ({"text": ..., "label": ...}), got ${describeValue(value)}`);
}

/** A syntax error at its place; `firstLine` is the number of lines before `text` in the file. */
function syntaxError(text: string, file: string | undefined, firstLine: number, cause: unknown): DataFormatError {
  const found = locateJsonError(text);
  if (!found) return new DataFormatError('json_syntax', { file, line: firstLine + 1 }, `malformed JSON (${(cause as Error).message})`, { cause });
  const { line, column } = lineAndColumn(text, found.at);
  return new DataFormatError('json_syntax', { file, line: firstLine + line, column }, `malformed JSON: ${found.problem}`, { cause });
}

/** Checks declared types; rejects the row (and returns false) at its first wrong value. */
function checkRow(row: Record<string, unknown>, opts: JsonOptions, report: ReadReport, at: DataLocation, lineText?: string): boolean {
  if (!opts.types) return true;
  for (const [field, type] of Object.entries(opts.types)) {
    const problem = typeProblem(row[field], type);
    if (problem === null) continue;
    const key = lineText?.indexOf(JSON.stringify(field)) ?? -1;
    reject(
      new DataFormatError('wrong_type', { ...at, column: key >= 0 ? key + 1 : undefined, field }, `${problem}, but the column is declared ${type}`),
      opts,
      report,
    );
    return false;
  }
  return true;
}
