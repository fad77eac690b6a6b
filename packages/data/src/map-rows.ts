/**
 * The work of `map`, on plain rows, with Hugging Face's semantics: the function returns new or
 * changed columns, which are merged into the row (so `map(tokenize)` keeps `label`), and
 * `removeColumns` drops columns after the function has seen them. Batched, the function gets a
 * batch as columns (`{ text: [...], label: [...] }`) and returns columns; it may return more or
 * fewer rows than it got (packing, chunking) when every input column is removed or replaced.
 */
import { ArgumentError } from '@graft/core';
import { describeValue } from './column-types';
import { after, loop } from './maybe-async';

/** A row-by-row map function: returns the columns to add or replace (or nothing to keep the row). */
export type MapFn<Row, Out> = (row: Row, index: number) => Out;

/** A batched map function: gets columns of up to `batchSize` rows and their indices, returns columns. */
export type BatchedMapFn<Row, Out> = (batch: Columns<Row>, indices: number[]) => Out;

/** A batch of rows as columns. */
export type Columns<Row> = { [K in keyof Row]: Row[K][] };

/** The row type of a batch of columns. */
export type RowOf<C> = { [K in keyof C]: C[K] extends readonly (infer E)[] ? E : never };

/** The row after merging `Out` into `Row` and removing `Removed`. */
export type Merged<Row, Out, Removed extends PropertyKey = never> = Omit<Row, keyof Out | Removed> & Out;

/** What {@link mapRows} needs to know. */
export interface MapPlan {
  batched: boolean;
  batchSize: number;
  removeColumns: readonly string[];
  /** All column names of the input (the batch's columns). */
  columns: readonly string[];
  where: string;
}

/** The mapped rows, and the columns the function returned (whose old features no longer apply). */
export interface Mapped {
  rows: object[];
  changed: string[];
}

/** Applies `fn` to every row of `rows`; sync when `fn` is. */
export function mapRows(rows: readonly object[], fn: (...args: never[]) => unknown, plan: MapPlan): Mapped | Promise<Mapped> {
  const changed = new Set<string>();
  const out = plan.batched ? mapBatched(rows, fn as BatchedMapFn<object, unknown>, plan, changed) : mapEach(rows, fn as MapFn<object, unknown>, plan, changed);
  const done = (rows: object[]) => ({ rows, changed: [...changed] });
  return out instanceof Promise ? out.then(done) : done(out);
}

function mapEach(rows: readonly object[], fn: MapFn<object, unknown>, plan: MapPlan, changed: Set<string>): object[] | Promise<object[]> {
  const out: object[] = new Array(rows.length);
  const remove = plan.removeColumns;
  const pending = loop(
    rows.length,
    (i) => fn(rows[i], i),
    (i, result) => {
      if (result !== undefined && (result === null || typeof result !== 'object' || Array.isArray(result)))
        throw new ArgumentError(
          `${plan.where}: the function must return an object of columns (or nothing), but for row ${i} it returned ${describeValue(result)}`,
        );
      if (result !== undefined) for (const k in result as object) changed.add(k);
      const row = result === undefined ? { ...rows[i] } : { ...rows[i], ...(result as object) };
      for (const c of remove) if (!(result && c in (result as object))) delete (row as Record<string, unknown>)[c];
      out[i] = row;
    },
  );
  return after(pending, () => out);
}

function mapBatched(rows: readonly object[], fn: BatchedMapFn<object, unknown>, plan: MapPlan, changed: Set<string>): object[] | Promise<object[]> {
  const out: object[] = [];
  const { batchSize, columns } = plan;
  const batches = Math.ceil(rows.length / batchSize);
  const pending = loop(
    batches,
    (b) => {
      const start = b * batchSize;
      const end = Math.min(start + batchSize, rows.length);
      const batch: Record<string, unknown[]> = {};
      for (const c of columns) batch[c] = new Array(end - start);
      const indices = new Array<number>(end - start);
      for (let i = start; i < end; i++) {
        indices[i - start] = i;
        const row = rows[i] as Record<string, unknown>;
        for (const c of columns) batch[c][i - start] = row[c];
      }
      return fn(batch as Columns<object>, indices);
    },
    (b, result) => {
      const start = b * batchSize;
      const size = Math.min(batchSize, rows.length - start);
      if (result && typeof result === 'object') for (const k of Object.keys(result)) changed.add(k);
      appendBatch(out, rows, start, size, result, plan);
    },
  );
  return after(pending, () => out);
}

function appendBatch(out: object[], rows: readonly object[], start: number, size: number, result: unknown, plan: MapPlan): void {
  const where = `${plan.where} (rows ${start}…${start + size - 1})`;
  if (result === undefined) {
    for (let i = 0; i < size; i++) out.push(withoutColumns({ ...rows[start + i] }, plan.removeColumns, undefined));
    return;
  }
  if (result === null || typeof result !== 'object' || Array.isArray(result))
    throw new ArgumentError(`${where}: a batched function must return an object of columns ({ name: values[] }), got ${describeValue(result)}`);
  const cols = Object.entries(result as Record<string, unknown>);
  let length = -1;
  for (const [name, values] of cols) {
    if (!Array.isArray(values) && !(ArrayBuffer.isView(values) && !(values instanceof DataView)))
      throw new ArgumentError(`${where}: a batched function returns columns as arrays, but "${name}" is ${describeValue(values)}`);
    const n = (values as ArrayLike<unknown>).length;
    if (length >= 0 && n !== length)
      throw new ArgumentError(`${where}: the returned columns have different lengths ("${cols[0][0]}" has ${length}, "${name}" has ${n})`);
    length = n;
  }
  if (length < 0) length = size;
  if (length !== size) {
    const kept = plan.columns.filter((c) => !plan.removeColumns.includes(c) && !(c in (result as object)));
    if (kept.length)
      throw new ArgumentError(
        `${where}: the function returned ${length} rows for a batch of ${size}, so the input columns ${kept.map((c) => `"${c}"`).join(', ')} cannot be kept: list them in removeColumns (or return them too)`,
      );
  }
  for (let i = 0; i < length; i++) {
    const row: Record<string, unknown> = length === size ? { ...rows[start + i] } : {};
    for (const [name, values] of cols) row[name] = (values as ArrayLike<unknown>)[i];
    out.push(withoutColumns(row, plan.removeColumns, result as object));
  }
}

function withoutColumns(row: Record<string, unknown> | object, remove: readonly string[], returned: object | undefined): object {
  for (const c of remove) if (!(returned && c in returned)) delete (row as Record<string, unknown>)[c];
  return row;
}
