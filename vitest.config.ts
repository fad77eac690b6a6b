import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'docs', 'packages/core/vitest.scalar.config.ts'],
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
