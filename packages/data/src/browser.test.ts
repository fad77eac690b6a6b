/**
 * The main entry on web-platform inputs: Files, Blobs, web streams, gzip through
 * DecompressionStream. It runs in Node, and again in headless Chromium (vitest.browser.config.ts)
 * with the browser's own implementations of all of them.
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { DataFormatError, DataLoader, padCollate, readCsv, readJsonl, readParquet, streamJsonl } from './index';

async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe('@graft/data in a browser', () => {
  it('reads CSV from a File, JSONL from gzip through DecompressionStream, and Parquet from a Blob', async () => {
    const file = new File(['text,label\n"a, b",pos\nc,neg\n'], 'train.csv');
    expect((await readCsv(file, { file: file.name })).toArray()).toEqual([
      { text: 'a, b', label: 'pos' },
      { text: 'c', label: 'neg' },
    ]);
    const gz = await gzip(Array.from({ length: 500 }, (_, i) => JSON.stringify({ i })).join('\n'));
    expect((await readJsonl(gz)).length).toBe(500);
    const cut = await readJsonl(gz.subarray(0, gz.length - 30)).catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(DataFormatError);
    expect((cut as DataFormatError).code).toBe('gzip_corrupt');
    let n = 0;
    for await (const _ of streamJsonl(new Blob([gz as Uint8Array<ArrayBuffer>]).stream())) n++;
    expect(n).toBe(500);
    const pq = parquetWriteBuffer({ columnData: [{ name: 'x', data: Int32Array.from([1, 2, 3]), type: 'INT32' }] });
    expect((await readParquet(new Blob([pq]))).column('x')).toEqual([1, 2, 3]);
  });

  it('batches with padCollate on the default backend', async () => {
    const ds = (await readJsonl('{"inputIds": [1, 2, 3], "label": 1}\n{"inputIds": [4], "label": 0}\n')) as never;
    const [batch] = [...new DataLoader(ds, { batchSize: 2, collate: padCollate({ padTokenId: 0 }) })];
    expect(await batch.inputIds.array()).toEqual([
      [1, 2, 3],
      [4, 0, 0],
    ]);
    expect(await batch.labels!.array()).toEqual([1, 0]);
  });
});
