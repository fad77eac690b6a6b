/**
 * Label encoding, as Hugging Face's `class_encode_column`: the class names are the column's
 * distinct values in sorted order (numbers by value, strings by code unit, as Python sorts them),
 * and the column becomes their ids. A column that is already a `ClassLabel` keeps its ids and
 * names; a given label list fixes the order instead (the order of a checkpoint's `id2label`).
 * `id2label`/`label2id` have the shape of `config.json`'s fields.
 */
import { ArgumentError } from '@graft/core';
import { describeValue } from './column-types';
import { compareLabels } from './split';

/** A label encoding: the names in id order and both lookups. */
export interface LabelEncoding {
  /** Class names in id order. */
  names: string[];
  /** Id → name, as `config.json`'s `id2label`. */
  id2label: Record<number, string>;
  /** Name → id, as `config.json`'s `label2id`. */
  label2id: Record<string, number>;
}

/** The encoding of `names` (in id order). */
export function encodingOf(names: readonly string[]): LabelEncoding {
  const id2label: Record<number, string> = {};
  const label2id: Record<string, number> = {};
  names.forEach((name, id) => {
    id2label[id] = name;
    label2id[name] = id;
  });
  return { names: [...names], id2label, label2id };
}

/**
 * The sorted distinct values of a label column as names. Nulls are not classes (rows without a
 * label, such as a test split's, keep null). Mixed numbers and strings are an error, as sorting
 * them means nothing.
 */
export function sortedNames(values: readonly unknown[], column: string, where: string): string[] {
  const distinct = new Set<unknown>();
  let kind: string | null = null;
  values.forEach((v, row) => {
    if (v === null || v === undefined) return;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      throw new ArgumentError(`${where}: labels are strings, numbers or booleans, but row ${row} of "${column}" holds ${describeValue(v)}`);
    if (kind === null) kind = typeof v;
    else if (typeof v !== kind)
      throw new ArgumentError(
        `${where}: column "${column}" mixes ${kind}s and ${typeof v}s (row ${row} holds ${describeValue(v)}); convert it to one type first`,
      );
    distinct.add(v);
  });
  return [...distinct].sort(compareLabels).map(String);
}

/** The id of every value under `encoding` (null stays null); an unknown value is an error naming its row. */
export function encodeValues(values: readonly unknown[], encoding: LabelEncoding, column: string, where: string): (number | null)[] {
  return values.map((v, row) => {
    if (v === null || v === undefined) return null;
    const id = encoding.label2id[String(v)];
    if (id === undefined)
      throw new ArgumentError(
        `${where}: row ${row} of "${column}" holds ${describeValue(v)}, which is not one of the labels ${encoding.names.map((n) => JSON.stringify(n)).join(', ')}`,
      );
    return id;
  });
}

/** How often each value occurs, in sorted value order (nulls are not counted). */
export function countValues<V>(values: readonly V[]): Map<V, number> {
  const counts = new Map<V, number>();
  for (const v of values) if (v !== null && v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  return new Map([...counts].sort((a, b) => compareLabels(a[0], b[0])));
}
