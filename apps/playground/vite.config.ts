/**
 * The playground's Vite config. The packages are built from source (the `@graft/source` export
 * condition), the training worker is an ES module, and the dev and preview servers send the two
 * headers that make the page cross-origin isolated, which the CPU backend needs for its WASM
 * worker threads (SharedArrayBuffer). A deployment must send the same headers (see README.md).
 */
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';
import { embeddedAssets } from './build/embedded-assets';

/** Cross-origin isolation: COOP keeps other origins' windows out of our process, COEP admits only CORS/CORP subresources. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const assetsDir = process.env.GRAFT_ASSETS ?? fileURLToPath(new URL('../../assets', import.meta.url));

export default defineConfig({
  base: './',
  resolve: { conditions: ['@graft/source', ...defaultClientConditions] },
  // a missing file must be a 404, not index.html: model loading probes for optional files (sharded indexes, tokenizer variants)
  appType: 'mpa',
  worker: { format: 'es', rolldownOptions: { output: { keepNames: true } } },
  plugins: [embeddedAssets(assetsDir)],
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  // class names stay (errors are told apart by class as well as code); the worker is one ~700 KB chunk
  build: { target: 'es2022', chunkSizeWarningLimit: 2048, rolldownOptions: { output: { keepNames: true } } },
});
