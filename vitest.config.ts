import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// core's, nn's and models' WebGPU tests, data's main entry and the playground's end-to-end tests (Playwright against the built site)
// in headless Chromium: always in CI (a missing browser must fail there), elsewhere only where a Chromium is installed
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const browserProjects =
  process.env.CI || existsSync(chromium)
    ? [
        'packages/core/vitest.browser.config.ts',
        'packages/nn/vitest.browser.config.ts',
        'packages/data/vitest.browser.config.ts',
        'packages/models/vitest.browser.config.ts',
        'apps/playground/vitest.e2e.config.ts',
      ]
    : [];

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'plugins/*', 'docs', 'packages/core/vitest.scalar.config.ts', ...browserProjects],
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
