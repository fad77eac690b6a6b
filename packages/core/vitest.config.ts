import { mergeConfig } from 'vitest/config';
import { packageVitest } from '../../vitest.shared';

// `ci` tells the WebGPU tests to fail, not skip, when no adapter exists
export default mergeConfig(packageVitest('core'), { test: { provide: { ci: process.env.CI === 'true' || process.env.CI === '1' } } });
