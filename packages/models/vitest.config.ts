import { configDefaults, mergeConfig } from 'vitest/config';
import { packageVitest } from '../../vitest.shared';

// `ci` tells the WebGPU parity test to fail, not skip, when no adapter exists (as core's and nn's);
// browser.webgpu.test.ts runs only in Chromium (vitest.browser.config.ts): it fetches over the dev server
export default mergeConfig(packageVitest('models'), {
  test: { exclude: [...configDefaults.exclude, 'src/browser.webgpu.test.ts'], provide: { ci: process.env.CI === 'true' || process.env.CI === '1' } },
});
