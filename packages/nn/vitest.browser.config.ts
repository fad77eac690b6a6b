/**
 * nn's WebGPU conformance suite again in headless Chromium (see packageBrowserVitest). The test
 * file lives here; the harness it runs is in test-utils/nn (Vite serves it from the workspace root).
 */
import { packageBrowserVitest } from '../../vitest.shared';

export default packageBrowserVitest(import.meta.dirname, 'nn-browser', ['src/conformance/webgpu.test.ts']);
