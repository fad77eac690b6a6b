import { mergeConfig } from 'vitest/config';
import { packageVitest } from '../../vitest.shared';

// `ci` tells the WebGPU tests to fail, not skip, when no adapter exists (core's and nn's convention)
export default mergeConfig(packageVitest('train'), { test: { provide: { ci: process.env.CI === 'true' || process.env.CI === '1' } } });
