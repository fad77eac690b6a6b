/** Concatenation of datasets (the shards of a split). */
import { ArgumentError } from '@graft/core';
import { Dataset } from './dataset';
import type { Features } from './features';
import { fingerprintOf } from './fingerprint';
import { KEPT_ERRORS, type ReadReport } from './options';

/** The rows of several datasets one after another (their features merged, reports summed). */
export function concatDatasets<Row extends object>(datasets: readonly Dataset<Row>[]): Dataset<Row> {
  if (!Array.isArray(datasets)) throw new ArgumentError('concatDatasets: pass an array of datasets');
  const rows = datasets.flatMap((d) => d.toArray());
  const withFeatures = datasets.filter((d) => d.features);
  const features: Features | undefined = withFeatures.length ? Object.assign({}, ...withFeatures.map((d) => d.features)) : undefined;
  const reports = datasets.map((d) => d.report).filter((r): r is ReadReport => !!r);
  const report = reports.length ? sumReports(reports) : undefined;
  return new Dataset(rows, {
    features,
    report,
    fingerprint: () =>
      fingerprintOf(
        'concat',
        datasets.map((d) => d.fingerprint),
      ),
  });
}

function sumReports(reports: ReadReport[]): ReadReport {
  return {
    rows: reports.reduce((a, r) => a + r.rows, 0),
    skipped: reports.reduce((a, r) => a + r.skipped, 0),
    errors: reports.flatMap((r) => r.errors).slice(0, KEPT_ERRORS),
    bytes: reports.reduce((a, r) => a + r.bytes, 0),
    maxBufferedChars: Math.max(...reports.map((r) => r.maxBufferedChars)),
    maxBufferedRows: Math.max(...reports.map((r) => r.maxBufferedRows)),
  };
}
