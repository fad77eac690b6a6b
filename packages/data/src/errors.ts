/**
 * Typed errors of @graft/data. A malformed row says where it is — file, line, column and field —
 * in the `file:line:column` form editors open, and what to do; the code says what kind of problem
 * it is, so the CLI and callers can react without parsing messages.
 */
import { GraftError } from '@graft/core';

/** The stable codes of a {@link DataFormatError}. */
export type DataFormatErrorCode =
  /** A quoted CSV field is never closed (the position is its opening quote). */
  | 'csv_unclosed_quote'
  /** A quote inside an unquoted field, or text right after a closing quote. */
  | 'csv_invalid_quote'
  /** A CSV record has more or fewer fields than the header. */
  | 'csv_field_count'
  /** Two columns of a header have the same name. */
  | 'csv_duplicate_column'
  /** A JSON document or a JSONL line is not valid JSON. */
  | 'json_syntax'
  /** A row (a JSONL line, an element of a JSON array) is not an object. */
  | 'json_not_object'
  /** A JSON document is neither an array of rows nor an object of equally long columns. */
  | 'json_shape'
  /** Gzip data is truncated or corrupt. */
  | 'gzip_corrupt'
  /** Bytes that are not UTF-8 text. */
  | 'invalid_utf8'
  /** A Parquet file that cannot be read (truncated, corrupt, or an unsupported encoding). */
  | 'parquet_corrupt'
  /** A value that does not have its column's type. */
  | 'wrong_type'
  /** A 64-bit integer outside JavaScript's exact integer range (±2^53). */
  | 'int64_out_of_range';

/** Where a problem is: every field is optional, since not every format has lines or columns. */
export interface DataLocation {
  /** The file (or the name given for an in-memory source). */
  file?: string;
  /** 1-based line. */
  line?: number;
  /** 1-based column, in characters. */
  column?: number;
  /** The column (field) of the row, by name. */
  field?: string;
  /** 0-based row (record) index, where lines do not apply (JSON arrays, Parquet). */
  row?: number;
}

/** `file:line:column` (the parts known), then the field and the row. */
export function formatLocation(at: DataLocation): string {
  let place = at.file ?? '<input>';
  if (at.line !== undefined) place += `:${at.line}`;
  if (at.line !== undefined && at.column !== undefined) place += `:${at.column}`;
  const extra: string[] = [];
  if (at.row !== undefined) extra.push(`row ${at.row}`);
  if (at.field !== undefined) extra.push(`field "${at.field}"`);
  return extra.length ? `${place} (${extra.join(', ')})` : place;
}

/**
 * Malformed input: the message starts with the place (`train.csv:12:7 (field "label")`), then
 * the problem and the fix. With `onError: 'skip'`, readers count these instead of throwing.
 */
export class DataFormatError extends GraftError {
  declare readonly code: DataFormatErrorCode;
  /** The file, or the name given to an in-memory source. */
  readonly file: string | undefined;
  /** 1-based line, where the format has lines. */
  readonly line: number | undefined;
  /** 1-based column in characters, where known. */
  readonly column: number | undefined;
  /** The field (column name) that is wrong, where one is. */
  readonly field: string | undefined;
  /** 0-based row index, where lines do not apply. */
  readonly row: number | undefined;
  /** The problem without the place, e.g. `a quoted field is never closed`. */
  readonly problem: string;

  constructor(code: DataFormatErrorCode, at: DataLocation, problem: string, options?: { cause?: unknown }) {
    super(code, `${formatLocation(at)}: ${problem}`, options);
    this.file = at.file;
    this.line = at.line;
    this.column = at.column;
    this.field = at.field;
    this.row = at.row;
    this.problem = problem;
  }
}

/** The stable codes of a {@link DataSourceError}. */
export type DataSourceErrorCode =
  /** A file or folder that does not exist. */
  | 'file_not_found'
  /** A file that exists but could not be read to the end (permissions, I/O error). */
  | 'read_failed'
  /** A file whose format is not known from its name. */
  | 'unknown_format'
  /** A dataset folder without files for the requested split. */
  | 'split_not_found'
  /** A dataset folder in a layout or format that is not read (e.g. Arrow shards). */
  | 'unsupported_format'
  /** Shards or sources whose columns disagree. */
  | 'schema_mismatch';

/** A source that cannot be opened or resolved: a missing file, an unknown format, a missing split. */
export class DataSourceError extends GraftError {
  declare readonly code: DataSourceErrorCode;
  /** The path or name of the source. */
  readonly source: string;

  constructor(code: DataSourceErrorCode, source: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.source = source;
  }
}

/** A column name that the dataset does not have; the message lists the columns it has. */
export class ColumnNotFoundError extends GraftError {
  /** The name asked for. */
  readonly column: string;
  /** The columns the dataset has. */
  readonly columns: readonly string[];

  constructor(column: string, columns: readonly string[], where: string) {
    const near = columns.find((c) => c.toLowerCase() === column.toLowerCase());
    const hint = near ? ` (did you mean "${near}"?)` : '';
    super('column_not_found', `${where}: no column "${column}"${hint}; the columns are ${columns.map((c) => `"${c}"`).join(', ') || '(none)'}`);
    this.column = column;
    this.columns = columns;
  }
}

/** Rows that cannot be collated into a batch (ragged without a pad id, a missing field, too long…). */
export class CollateError extends GraftError {
  constructor(message: string) {
    super('collate_invalid', message);
  }
}
