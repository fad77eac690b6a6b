/** nn's WebGPU conformance suite again in headless Chromium (see packageBrowserVitest). */
import { packageBrowserVitest } from '../../vitest.shared';

export default packageBrowserVitest(import.meta.dirname, 'nn-browser', ['src/conformance/webgpu.test.ts']);
