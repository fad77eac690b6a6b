/**
 * Debian's Chromium under Playwright, with WebGPU on (SwiftShader on a machine without a GPU).
 * `--enable-unsafe-webgpu` is the flag that matters: without it there is no adapter.
 * CHROMIUM_PATH overrides the browser.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright';

/** The browser the tests drive. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether the browser is there (the suite skips without it, except in CI). */
export const hasChromium = existsSync(CHROMIUM);

/** Starts headless Chromium, with WebGPU unless `webgpu` is false (then Chromium on Linux offers no adapter). */
export function launch(opts: { webgpu?: boolean } = {}): Promise<Browser> {
  const args = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
  if (opts.webgpu !== false) args.push('--enable-unsafe-webgpu');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}
