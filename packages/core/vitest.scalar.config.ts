/**
 * The core suite again with the CPU backend forced onto its TypeScript kernels (no WebAssembly),
 * the path engines without WASM SIMD take: every op and gradient test must pass on both.
 */
import { defineConfig, mergeConfig } from 'vitest/config';
import { packageVitest } from '../../vitest.shared';

export default mergeConfig(packageVitest('core-scalar'), defineConfig({ test: { env: { GRAFT_CPU_KERNELS: 'scalar' } } }));
