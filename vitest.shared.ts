import { defineConfig } from 'vitest/config';

/** Tests read workspace packages from source through the `@graft/source` export condition. */
export const sourceConditions = ['@graft/source', 'module', 'node', 'import', 'default'];

export function packageVitest(name: string) {
  return defineConfig({
    resolve: { conditions: sourceConditions },
    ssr: { resolve: { conditions: sourceConditions, externalConditions: ['@graft/source'] } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'examples/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  });
}

/**
 * A package's WebGPU tests in headless Chromium (vitest browser mode, Playwright), where WebGPU
 * comes from navigator.gpu: SwiftShader on machines without a GPU. `--enable-unsafe-webgpu` is
 * the flag that matters; without it requestAdapter() returns null. CHROMIUM_PATH overrides the
 * browser (default: Debian's /usr/bin/chromium).
 */
export async function packageBrowserVitest(root: string, name: string, include: string[]) {
  const { playwright } = await import('@vitest/browser-playwright');
  return defineConfig({
    root,
    resolve: { conditions: sourceConditions },
    test: {
      name,
      include,
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
            executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
            args: [
              '--no-sandbox',
              '--disable-background-networking',
              '--disable-component-update',
              '--disable-sync',
              '--no-first-run',
              '--disable-quic',
              '--enable-unsafe-webgpu',
            ],
          },
        }),
      },
    },
  });
}
