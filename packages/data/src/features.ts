/**
 * Hugging Face `Features`: the column schema datasets store in `dataset_info.json` and in the
 * `huggingface` key of the Parquet files they write. Graft keeps it as the JSON it is (so it can
 * be written back), reads class-label names from it, and carries it through dataset operations
 * that keep the columns.
 */

/** One column's feature, as HF writes it (`_type` names the kind; other keys depend on it). */
export type Feature =
  | { _type: 'Value'; dtype: string; [key: string]: unknown }
  | { _type: 'ClassLabel'; names: string[]; [key: string]: unknown }
  | { _type: string; [key: string]: unknown };

/** Features by column name. */
export type Features = Record<string, Feature>;

/** The class names of a `ClassLabel` column, or undefined when the column is not one. */
export function classLabelNames(features: Features | undefined, column: string): string[] | undefined {
  const f = features?.[column];
  if (f?._type !== 'ClassLabel' || !Array.isArray(f.names)) return undefined;
  return f.names.every((n) => typeof n === 'string') ? (f.names as string[]) : undefined;
}

/**
 * Features from parsed HF metadata: a `dataset_info.json` (`{ features }`), the `huggingface`
 * Parquet metadata (`{ info: { features } }`), or the features object itself. Older files write
 * a ClassLabel's `names` beside `num_classes`; a ClassLabel with only `num_classes` gets the
 * names "0", "1", … as HF gives it. Returns undefined when `json` holds no features.
 */
export function featuresFrom(json: unknown): Features | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const o = json as Record<string, unknown>;
  const raw = (o.info as Record<string, unknown> | undefined)?.features ?? o.features ?? (looksLikeFeatures(o) ? o : undefined);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const out: Features = {};
  for (const [name, f] of Object.entries(raw as Record<string, unknown>)) {
    if (!f || typeof f !== 'object') continue;
    const feature = { ...(f as Record<string, unknown>) } as Feature;
    if (feature._type === 'ClassLabel' && !Array.isArray(feature.names) && Number.isSafeInteger(feature.num_classes)) {
      feature.names = Array.from({ length: feature.num_classes as number }, (_, i) => String(i));
    }
    if (typeof feature._type === 'string') out[name] = feature;
  }
  return Object.keys(out).length ? out : undefined;
}

function looksLikeFeatures(o: Record<string, unknown>): boolean {
  const values = Object.values(o);
  return values.length > 0 && values.every((v) => v !== null && typeof v === 'object' && typeof (v as Record<string, unknown>)._type === 'string');
}

/** The features of `columns` only (undefined when none remain). */
export function pickFeatures(features: Features | undefined, columns: readonly string[]): Features | undefined {
  if (!features) return undefined;
  const out: Features = {};
  for (const c of columns) if (features[c]) out[c] = features[c];
  return Object.keys(out).length ? out : undefined;
}
