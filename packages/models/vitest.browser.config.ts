/**
 * @graft/models in headless Chromium (see packageBrowserVitest): the main entry loads a fixture
 * model over HTTP with `urlFiles` and reproduces transformers' outputs on WebGPU, so the browser
 * runs the same code as Node with no Node API.
 */
import { packageBrowserVitest } from '../../vitest.shared';

export default packageBrowserVitest(import.meta.dirname, 'models-browser', ['src/browser.webgpu.test.ts']);
