/**
 * The WebGPU tests again in headless Chromium (vitest browser mode, Playwright), where WebGPU
 * comes from navigator.gpu: SwiftShader on machines without a GPU. `--enable-unsafe-webgpu` is
 * the flag that matters; without it requestAdapter() returns null. CHROMIUM_PATH overrides the
 * browser (default: Debian's /usr/bin/chromium).
 */
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  root: import.meta.dirname,
  resolve: { conditions: sourceConditions },
  test: {
    name: 'core-browser',
    include: ['src/conformance/webgpu.test.ts', 'src/backend/webgpu/webgpu.test.ts'],
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
