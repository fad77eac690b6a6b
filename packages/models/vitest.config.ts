import { mergeConfig } from 'vitest/config';
import { packageVitest } from '../../vitest.shared';

// `ci` tells the WebGPU parity test to fail, not skip, when no adapter exists (as core's and nn's)
export default mergeConfig(packageVitest('models'), { test: { provide: { ci: process.env.CI === 'true' || process.env.CI === '1' } } });
