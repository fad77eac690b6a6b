import { mergeConfig } from 'vitest/config';
import { packageVitest } from '../../vitest.shared';

// `ci` tells the WebGPU conformance suite to fail, not skip, when no adapter exists
export default mergeConfig(packageVitest('nn'), { test: { provide: { ci: process.env.CI === 'true' || process.env.CI === '1' } } });
