/**
 * nn's WebGPU conformance suite again in headless Chromium (vitest browser mode, Playwright),
 * where WebGPU comes from navigator.gpu (SwiftShader without a GPU), configured as core's
 * browser project is (packages/core/vitest.browser.config.ts). Run it with
 * `npx vitest run --config packages/nn/vitest.browser.config.ts`.
 */
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  root: import.meta.dirname,
  resolve: { conditions: sourceConditions },
  test: {
    name: 'nn-browser',
    include: ['src/conformance/webgpu.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    provide: { ci: process.env.CI === 'true' || process.env.CI === '1' },
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      instances: [{ browser: 'chromium' }],
      provider: playwright({
        launchOptions: {
          executablePath: chromiumPath,
          args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--enable-unsafe-webgpu'],
        },
      }),
    },
  },
});
