import { mergeConfig } from 'vitest/config';
import { packageVitest } from '../../vitest.shared';

// src/conformance/*.test.ts run the harness in test-utils/nn; `ci` tells its WebGPU run to fail, not skip,
// when no adapter exists
export default mergeConfig(packageVitest('nn'), { test: { provide: { ci: process.env.CI === 'true' || process.env.CI === '1' } } });
