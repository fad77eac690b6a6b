import { mergeConfig } from 'vitest/config';
import { packageVitest } from '../../vitest.shared';

// `ci` tells the WebGPU parity test to fail, not skip, when no adapter exists (as core's, nn's and models')
export default mergeConfig(packageVitest('peft'), {
  test: { provide: { ci: process.env.CI === 'true' || process.env.CI === '1' } },
});
