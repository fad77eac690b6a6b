/**
 * An incremental RFC 4180 parser: text goes in chunk by chunk (split anywhere, even inside a
 * quoted field or between CR and LF) and records come out with the line and column where each
 * field starts. Quoted fields may hold delimiters, newlines and doubled quotes (`""`); records
 * end with LF, CRLF or CR; empty lines are skipped. It keeps only the unfinished record between
 * chunks, so memory is one chunk plus the longest record, whatever the file's size.
 *
 * Why not a library: see the README's Decisions (csv-parse works on Node Buffers and pushes
 * records; Papa Parse reports row numbers, not lines and columns). The tests compare this parser
 * with csv-parse on thousands of random files, split into random chunks.
 */
import { DataFormatError } from './errors';

/** A parsed record: its fields and where each starts. */
export interface CsvRecord {
  fields: string[];
  /** The line where the record starts (1-based). */
  line: number;
  /** The 1-based column where each field starts (its opening quote, for quoted fields). */
  columns: number[];
  /** The line where each field starts, when the record spans lines (a quoted newline); else null. */
  lines: number[] | null;
}

/** How the text is delimited. */
export interface CsvSyntax {
  /** One character; `,` by default. */
  delimiter: string;
  /** One character, or null for no quoting (GLUE's TSVs, where `"` is text). */
  quote: string | null;
  /** Take a quote inside an unquoted field, or text after a closing quote, literally instead of failing. */
  relaxQuotes: boolean;
  /** Skip lines with no characters (default true, as in pandas). */
  skipEmptyLines: boolean;
}

const LF = 10;
const CR = 13;

enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: the end of the field, or the first half of `""`. */
  QuotedQuote,
  /** Dropping the rest of a malformed record (onError: 'skip'). */
  Skipping,
}

/** Pushes chunks in, calls `onRecord` for every complete record and `onError` for malformed ones. */
export class CsvParser {
  readonly #delim: number;
  readonly #quote: number;
  readonly #syntax: CsvSyntax;
  readonly #file: string | undefined;
  readonly #onRecord: (r: CsvRecord) => void;
  /** Throws the error (onError: 'throw') or returns, after which the record is dropped. */
  readonly #onError: (e: DataFormatError) => void;

  #state = State.FieldStart;
  /** Global character offset of the current chunk's start. */
  #offset = 0;
  #line = 1;
  /** Global offset of the current line's first character. */
  #lineStart = 0;
  /** The previous character was a CR (so an LF now completes a CRLF). */
  #afterCr = false;

  #fields: string[] = [];
  #columns: number[] = [];
  #lines: number[] | null = null;
  #recordLine = 1;
  #recordStarted = false;
  /** Text of the current field from earlier chunks. */
  #field = '';
  #fieldLine = 1;
  #fieldColumn = 1;
  /** Characters held in the unfinished record (for the memory report). */
  #heldChars = 0;

  constructor(syntax: CsvSyntax, file: string | undefined, onRecord: (r: CsvRecord) => void, onError: (e: DataFormatError) => void) {
    this.#syntax = syntax;
    this.#delim = syntax.delimiter.charCodeAt(0);
    this.#quote = syntax.quote === null ? -1 : syntax.quote.charCodeAt(0);
    this.#file = file;
    this.#onRecord = onRecord;
    this.#onError = onError;
  }

  /** Characters of the unfinished record kept between chunks. */
  get heldChars(): number {
    return this.#heldChars + this.#field.length;
  }

  /** The line the parser has reached. */
  get line(): number {
    return this.#line;
  }

  /** Parses one chunk of text. */
  push(chunk: string): void {
    const n = chunk.length;
    const D = this.#delim;
    const Q = this.#quote;
    let seg = 0; // where the current field's text starts in this chunk
    for (let i = 0; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (this.#afterCr) {
        this.#afterCr = false;
        if (c === LF) {
          // The LF of a CRLF: the line was counted at the CR, and the record (if any) ended there.
          this.#lineStart = this.#offset + i + 1;
          if (this.#state === State.Quoted) continue;
          seg = i + 1;
          continue;
        }
      }
      switch (this.#state) {
        case State.FieldStart:
          if (c === LF || c === CR) {
            if (this.#fields.length === 0 && !this.#recordStarted && this.#syntax.skipEmptyLines) {
              this.#newline(c, i);
              continue;
            }
            this.#startField(i);
            this.#endField('');
            this.#endRecord();
            this.#newline(c, i);
            continue;
          }
          this.#startField(i);
          if (c === Q) {
            this.#state = State.Quoted;
            seg = i + 1;
          } else if (c === D) {
            this.#endField('');
          } else {
            this.#state = State.Unquoted;
            seg = i;
          }
          continue;
        case State.Unquoted:
          if (c === D) {
            this.#endField(chunk.slice(seg, i));
            this.#state = State.FieldStart;
          } else if (c === LF || c === CR) {
            this.#endField(chunk.slice(seg, i));
            this.#endRecord();
            this.#newline(c, i);
          } else if (c === Q && !this.#syntax.relaxQuotes) {
            this.#fail(i, 'a quote inside an unquoted field: quote the whole field and double the quotes in it ("a ""b"" c"), or pass relaxQuotes: true');
          }
          continue;
        case State.Quoted:
          if (c === Q) {
            this.#field += chunk.slice(seg, i);
            this.#state = State.QuotedQuote;
          } else if (c === LF || c === CR) {
            this.#newline(c, i);
          }
          continue;
        case State.QuotedQuote:
          if (c === Q) {
            seg = i; // `""`: the second quote is text
            this.#state = State.Quoted;
          } else if (c === D) {
            this.#endField('');
            this.#state = State.FieldStart;
          } else if (c === LF || c === CR) {
            this.#endField('');
            this.#endRecord();
            this.#newline(c, i);
          } else if (this.#syntax.relaxQuotes) {
            seg = i;
            this.#state = State.Unquoted;
          } else {
            this.#fail(
              i,
              'text after the closing quote of a field: a delimiter or the end of the line must follow it (write a quote inside a quoted field as "")',
            );
          }
          continue;
        case State.Skipping:
          if (c === LF || c === CR) {
            this.#newline(c, i);
            this.#state = State.FieldStart;
          }
          continue;
      }
    }
    if (this.#state === State.Unquoted || this.#state === State.Quoted) this.#field += chunk.slice(seg);
    this.#offset += n;
  }

  /** Ends the input: emits the last record, or reports an unclosed quote. */
  end(): void {
    switch (this.#state) {
      case State.Quoted:
        this.#state = State.Skipping;
        this.#onError(
          new DataFormatError(
            'csv_unclosed_quote',
            { file: this.#file, line: this.#fieldLine, column: this.#fieldColumn },
            'a quoted field is never closed: the file ends inside it (a missing closing quote, or a quote in the text that should be doubled)',
          ),
        );
        break;
      case State.Unquoted:
      case State.QuotedQuote:
        this.#endField('');
        this.#endRecord();
        break;
      case State.FieldStart:
        if (this.#fields.length > 0) {
          this.#startField(0);
          this.#endField('');
          this.#endRecord();
        }
        break;
      case State.Skipping:
        break;
    }
    this.#resetRecord();
  }

  #newline(c: number, i: number): void {
    this.#line++;
    this.#lineStart = this.#offset + i + 1;
    if (c === CR) this.#afterCr = true;
  }

  #startField(i: number): void {
    if (!this.#recordStarted) {
      this.#recordStarted = true;
      this.#recordLine = this.#line;
    }
    this.#fieldLine = this.#line;
    this.#fieldColumn = this.#offset + i - this.#lineStart + 1;
  }

  #endField(tail: string): void {
    const text = this.#field + tail;
    this.#field = '';
    this.#fields.push(text);
    this.#heldChars += text.length;
    this.#columns.push(this.#fieldColumn);
    if (this.#fieldLine !== this.#recordLine) {
      this.#lines ??= this.#columns.map(() => this.#recordLine);
      this.#lines[this.#lines.length - 1] = this.#fieldLine;
    } else this.#lines?.push(this.#fieldLine);
  }

  #endRecord(): void {
    const record: CsvRecord = { fields: this.#fields, line: this.#recordLine, columns: this.#columns, lines: this.#lines };
    this.#resetRecord();
    this.#state = State.FieldStart;
    this.#onRecord(record);
  }

  #resetRecord(): void {
    this.#fields = [];
    this.#columns = [];
    this.#lines = null;
    this.#field = '';
    this.#heldChars = 0;
    this.#recordStarted = false;
  }

  #fail(i: number, problem: string): void {
    const error = new DataFormatError('csv_invalid_quote', { file: this.#file, line: this.#line, column: this.#offset + i - this.#lineStart + 1 }, problem);
    this.#resetRecord();
    this.#state = State.Skipping;
    this.#onError(error); // throws, or returns to skip the rest of the record
  }
}
