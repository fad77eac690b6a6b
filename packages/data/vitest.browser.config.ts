/**
 * The main entry in headless Chromium (see packageBrowserVitest): the sources on Blobs and web
 * streams, gzip through the browser's DecompressionStream, Parquet, and a DataLoader with
 * padCollate, with no Node API in reach.
 */
import { packageBrowserVitest } from '../../vitest.shared';

export default packageBrowserVitest(import.meta.dirname, 'data-browser', ['src/browser.test.ts']);
