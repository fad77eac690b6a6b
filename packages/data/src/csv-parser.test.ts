import { Generator } from '@graft/core';
import { parse as csvParse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { type CsvRecord, CsvParser, type CsvSyntax } from './csv-parser';
import { DataFormatError } from './errors';

const SYNTAX: CsvSyntax = { delimiter: ',', quote: '"', relaxQuotes: false, skipEmptyLines: true };

/** Parses `chunks` in order; returns the records, or throws the first error. */
function parseChunks(chunks: string[], syntax: Partial<CsvSyntax> = {}): CsvRecord[] {
  const out: CsvRecord[] = [];
  const p = new CsvParser(
    { ...SYNTAX, ...syntax },
    'f.csv',
    (r) => out.push(r),
    (e) => {
      throw e;
    },
  );
  for (const c of chunks) p.push(c);
  p.end();
  return out;
}

/** `text` split at the given offsets. */
function splitAt(text: string, cuts: number[]): string[] {
  const points = [0, ...cuts.sort((a, b) => a - b), text.length];
  return points.slice(1).map((end, i) => text.slice(points[i], end));
}

function errorOf(fn: () => unknown): DataFormatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DataFormatError) return e;
    throw e;
  }
  throw new Error('expected a DataFormatError');
}

describe('CsvParser', () => {
  it('parses RFC 4180: quoted delimiters, newlines and doubled quotes; CRLF, LF and CR endings', () => {
    const text = 'a,b,c\r\n"x,1","line\nbreak","say ""hi"""\r\n,,\r\nlast,"",z';
    const recs = parseChunks([text]);
    expect(recs.map((r) => r.fields)).toEqual([
      ['a', 'b', 'c'],
      ['x,1', 'line\nbreak', 'say "hi"'],
      ['', '', ''],
      ['last', '', 'z'],
    ]);
    expect(parseChunks(['a,b\rc,d\r']).map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('gives the same records for every way of cutting the text into two or three chunks', () => {
    const text = 'h1,h2\r\n"a ""q"" b","x\r\ny"\n\nplain,"",\r\n"end"';
    const whole = parseChunks([text]);
    for (let i = 0; i <= text.length; i++) {
      expect(parseChunks(splitAt(text, [i]))).toEqual(whole);
      for (let j = i; j <= text.length; j += 3) expect(parseChunks(splitAt(text, [i, j]))).toEqual(whole);
    }
  });

  it('reports the line and column where each field starts, also after quoted newlines', () => {
    const recs = parseChunks(['id,text\n1,"two\nlines",x\n2,b,c']);
    expect(recs[1]).toMatchObject({ line: 2, columns: [1, 3, 8], lines: [2, 2, 3] });
    expect(recs[2]).toMatchObject({ line: 4, columns: [1, 3, 5], lines: null });
  });

  it('skips empty lines (or keeps them as one empty field when asked)', () => {
    expect(parseChunks(['a\n\n\r\n\nb\n']).map((r) => r.fields)).toEqual([['a'], ['b']]);
    expect(parseChunks(['a\n\nb'], { skipEmptyLines: false }).map((r) => r.fields)).toEqual([['a'], [''], ['b']]);
  });

  it('reads TSV without quoting when quote is null', () => {
    expect(parseChunks(['a "b\t"c\n'], { delimiter: '\t', quote: null }).map((r) => r.fields)).toEqual([['a "b', '"c']]);
  });

  it('fails on an unclosed quote at the opening quote, and on stray quotes where they are', () => {
    const unclosed = errorOf(() => parseChunks(['a,b\n1,"never\nclosed\n']));
    expect(unclosed).toMatchObject({ code: 'csv_unclosed_quote', file: 'f.csv', line: 2, column: 3 });
    expect(unclosed.message).toMatch(/^f\.csv:2:3: a quoted field is never closed/);
    expect(errorOf(() => parseChunks(['a,b\nx,"q"z\n']))).toMatchObject({ code: 'csv_invalid_quote', line: 2, column: 6 });
    expect(errorOf(() => parseChunks(['a,b\nx,5\'10"\n']))).toMatchObject({ code: 'csv_invalid_quote', line: 2, column: 7 });
  });

  it('takes stray quotes literally with relaxQuotes', () => {
    expect(parseChunks(['x,5\'10","a"b\n'], { relaxQuotes: true }).map((r) => r.fields)).toEqual([['x', '5\'10"', 'ab']]);
  });

  it('drops the rest of a malformed record and goes on when the error handler returns', () => {
    const out: string[][] = [];
    const errors: DataFormatError[] = [];
    const p = new CsvParser(
      SYNTAX,
      'f.csv',
      (r) => out.push(r.fields),
      (e) => errors.push(e),
    );
    p.push('a,b\nx,"q"z,w\ny,2\n');
    p.end();
    expect(out).toEqual([
      ['a', 'b'],
      ['y', '2'],
    ]);
    expect(errors.map((e) => [e.code, e.line])).toEqual([['csv_invalid_quote', 2]]);
  });

  it('agrees with csv-parse on 1500 random files cut into random chunks', () => {
    const gen = new Generator(7);
    const u = () => gen.uniform(1, 'float64')[0];
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(u() * xs.length)];
    const plain = ['a', 'b', 'Z', ' ', 'é', '😀', '1', '.'];
    const special = [...plain, ',', '"', '\n', '\r\n', ';', '\t'];
    for (let file = 0; file < 1500; file++) {
      const eol = pick(['\n', '\r\n', '\r']);
      const delimiter = pick([',', ';', '\t']);
      const width = 1 + Math.floor(u() * 4);
      const records: string[] = [];
      const nRecords = 1 + Math.floor(u() * 6);
      for (let r = 0; r < nRecords; r++) {
        const fields: string[] = [];
        for (let f = 0; f < width; f++) {
          const len = Math.floor(u() * 6);
          if (u() < 0.4) {
            let s = '';
            for (let k = 0; k < len; k++) s += pick(special);
            fields.push(`"${s.replaceAll('"', '""')}"`);
          } else {
            let s = '';
            for (let k = 0; k < len; k++) s += pick(plain);
            fields.push(s);
          }
        }
        // A record of one empty unquoted field is an empty line, which both parsers skip.
        if (fields.join('') === '') fields[0] = 'x';
        records.push(fields.join(delimiter));
      }
      const text = records.join(eol) + (u() < 0.5 ? eol : '');
      const expected = csvParse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, record_delimiter: eol });
      const cuts = Array.from({ length: Math.floor(u() * 4) }, () => Math.floor(u() * (text.length + 1)));
      const got = parseChunks(splitAt(text, cuts), { delimiter }).map((r) => r.fields);
      expect(got, JSON.stringify(text)).toEqual(expected);
    }
  });
});
