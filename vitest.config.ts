import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'docs'],
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
