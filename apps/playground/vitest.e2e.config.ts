/**
 * The playground's end-to-end tests: Playwright drives Debian's Chromium (WebGPU on SwiftShader)
 * against the built site served on localhost, and Node loads what the page downloads. One file,
 * run in order (the tests share one build, one server and one browser); Node-side code reads the
 * packages from source, as the unit tests do.
 */
import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared';

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions, externalConditions: ['@graft/source'] } },
  test: {
    name: 'playground-e2e',
    root: import.meta.dirname,
    include: ['e2e/**/*.e2e.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
