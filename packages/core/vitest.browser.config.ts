/** core's WebGPU tests again in headless Chromium (see packageBrowserVitest). */
import { packageBrowserVitest } from '../../vitest.shared';

export default packageBrowserVitest(import.meta.dirname, 'core-browser', ['src/conformance/webgpu.test.ts', 'src/backend/webgpu/webgpu.test.ts']);
