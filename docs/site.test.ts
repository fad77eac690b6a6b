/**
 * The docs site as it is published: built by `scripts/docs-build.mjs` (typedoc with warnings as
 * errors, then VitePress with its dead-link check) into a temporary folder — or, in `npm test`,
 * the build `pnpm docs:build` has just made, named by GRAFT_DOCS_DIST — then checked: every page
 * is there with the examples and Run buttons its source names, the API reference has a page per
 * package, the data the in-page examples fetch is served, and in headless Chromium the Run button
 * runs examples on WebGPU (SwiftShader) and on the CPU and shows what they print.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetPath, repoRoot } from '../test-utils/assets';
import { DATA_FILES, DATA_PREFIX } from './.vitepress/site-data';
import { serveStatic } from './serve-static';
import { runButtons, shownExamples, sitePages } from './site-sources';

const BUILD_TIMEOUT = 900_000;
let dist = '';

/** Builds the site into a temporary folder; rejects with the build's output when it fails. */
function build(): Promise<string> {
  const out = join(mkdtempSync(join(tmpdir(), 'graft-docs-site-')), 'dist');
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(repoRoot, 'scripts/docs-build.mjs'), '--out-dir', out], { cwd: repoRoot });
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    child.on('close', (code) => (code === 0 ? done(out) : fail(new Error(`docs:build exited with ${code}:\n${log.slice(-4000)}`))));
  });
}

beforeAll(async () => {
  dist = process.env.GRAFT_DOCS_DIST ? resolve(repoRoot, process.env.GRAFT_DOCS_DIST) : await build();
}, BUILD_TIMEOUT);

const html = (path: string) => readFileSync(join(dist, path), 'utf8');

/** The names an example file exports as functions: the rendered page must contain them. */
function exportedFunctions(example: string): string[] {
  const text = readFileSync(join(import.meta.dirname, 'examples', example), 'utf8');
  return [...text.matchAll(/^export (?:async )?function (\w+)/gm)].map((m) => m[1]);
}

describe('every page is built with its examples and Run buttons', () => {
  for (const page of sitePages()) {
    it(page.source, () => {
      expect(existsSync(join(dist, page.html)), `${page.html} is missing from the built site`).toBe(true);
      const out = html(page.html);
      // VitePress renders a missing `<<<` file as this text instead of failing
      expect(out).not.toContain('Code snippet path not found');
      for (const example of shownExamples(page.source)) {
        for (const name of exportedFunctions(example)) expect(out, `${page.html} should show ${example}`).toContain(name);
      }
      for (const id of runButtons(page.source)) expect(out).toContain(`data-example="${id}"`);
    });
  }
});

/** The targets of a built page's links inside the site (`/api/…`, `./lora.html`, `/guide/`), as files under dist. */
function internalLinks(page: string): string[] {
  const hrefs = [...html(page).matchAll(/href="([^"]*)"/g)].map((m) => m[1].replaceAll('&amp;', '&'));
  return hrefs
    .filter((h) => h && !/^(?:[a-z]+:|\/\/|#)/i.test(h))
    .map((h) => {
      const path = decodeURIComponent(new URL(h, `http://site/${page}`).pathname);
      return path.endsWith('/') ? `${path}index.html` : path;
    });
}

// VitePress checks links between pages, but not links into public/ (the API reference): this does
it('every link of every page leads to a file of the site, the API reference included', () => {
  let api = 0;
  // the plugin guide is written elsewhere; until it lands, links to it are the one dead link allowed (as in the config)
  const pending = existsSync(join(import.meta.dirname, 'guide/plugins.md')) ? [] : ['/guide/plugins.html'];
  for (const page of sitePages()) {
    for (const target of internalLinks(page.html).filter((t) => !pending.includes(t))) {
      expect(existsSync(join(dist, target)), `${page.html} links to ${target}, which the site does not have`).toBe(true);
      if (target.startsWith('/api/')) api++;
    }
  }
  expect(api).toBeGreaterThan(5);
});

it('the API reference has an index and a page per published package', () => {
  expect(existsSync(join(dist, 'api/index.html'))).toBe(true);
  const { entryPoints } = JSON.parse(readFileSync(join(repoRoot, 'typedoc.json'), 'utf8')) as { entryPoints: string[] };
  expect(entryPoints.length).toBeGreaterThanOrEqual(8);
  for (const entry of entryPoints) {
    // typedoc names a package's page after its package name: @graft/plugin-example → _graft_plugin-example
    const { name } = JSON.parse(readFileSync(join(repoRoot, entry, 'package.json'), 'utf8')) as { name: string };
    const page = `api/modules/${name.replace('@', '_').replace('/', '_')}.html`;
    expect(existsSync(join(dist, page)), `${page} is missing`).toBe(true);
  }
  // a guide's link into the reference resolves (VitePress checked it at build time against the same files)
  expect(html('guide/formats.html')).toContain('/api/modules/_graft_models.html');
});

it('the site serves the files the in-page examples fetch, byte for byte', () => {
  for (const file of DATA_FILES) expect(statSync(join(dist, DATA_PREFIX, file)).size, file).toBe(statSync(assetPath(file)).size);
});

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
describe.skipIf(!process.env.CI && !existsSync(chromium))('the Run button, in headless Chromium', () => {
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let browser: import('playwright').Browser;
  beforeAll(async () => {
    server = await serveStatic(dist);
    const { chromium: launcher } = await import('playwright');
    browser = await launcher.launch({ executablePath: chromium, args: ['--no-sandbox', '--disable-background-networking', '--enable-unsafe-webgpu'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Opens `page`, runs example `id` on `device` and returns what the box under it shows. */
  async function run(page: string, id: string, device: 'auto' | 'cpu'): Promise<{ state: string | null; output: string }> {
    const tab = await browser.newPage();
    try {
      await tab.goto(`${server.url}${page}`);
      const box = tab.locator(`.graft-run[data-example="${id}"]`);
      await box.locator('select').selectOption(device);
      await box.locator('button').click();
      await tab.locator(`.graft-run[data-example="${id}"]:is([data-state="done"], [data-state="failed"])`).waitFor({ timeout: 170_000 });
      return { state: await box.getAttribute('data-state'), output: (await box.locator('pre').textContent()) ?? '' };
    } finally {
      await tab.close();
    }
  }

  it('runs the WebGPU example on the browser adapter', async () => {
    const { state, output } = await run('guide/backends.html', 'core/webgpu', 'auto');
    expect(output).toMatch(/^default device: webgpu \(/); // the example registers WebGPU itself
    expect(output).toContain('softmax(x·x) = [0.0474, 0.9526, 0.0009, 0.9991] on webgpu');
    expect(state).toBe('done');
  }, 180_000);

  it('runs an example twice in one page, on WebGPU and then on the CPU', async () => {
    const tab = await browser.newPage();
    try {
      await tab.goto(`${server.url}guide/learning-rates.html`);
      const box = tab.locator('.graft-run[data-example="distill/loss-weights"]');
      for (const device of ['auto', 'cpu'] as const) {
        await box.locator('select').selectOption(device);
        await box.locator('button').click();
        // this run's first line first: the box still says "done" from the run before until Vue re-renders
        await box.locator('pre', { hasText: device === 'auto' ? 'device: webgpu' : 'device: cpu' }).waitFor({ timeout: 60_000 });
        await tab.locator('.graft-run[data-example="distill/loss-weights"]:is([data-state="done"], [data-state="failed"])').waitFor({ timeout: 170_000 });
        const output = (await box.locator('pre').textContent()) ?? '';
        expect(output).toMatch(device === 'auto' ? /^device: webgpu \(/ : /^device: cpu\n/);
        expect(output).toContain('T = 4: soft 0.8062  hard 0.7776  loss 0.7919');
        expect(await box.getAttribute('data-state')).toBe('done');
      }
    } finally {
      await tab.close();
    }
  }, 360_000);

  it('trains the CNN on the CPU in the page', async () => {
    const { state, output } = await run('guide/model-families.html', 'nn/cnn', 'cpu');
    expect(output).toMatch(/^device: cpu\n/);
    expect(output).toContain('test accuracy: 40.6% → 100.0%'); // the numbers Node prints: same seed, same kernels
    expect(state).toBe('done');
  }, 180_000);

  it('reads the embedded checkpoint the site serves', async () => {
    const { state, output } = await run('guide/learning-rates.html', 'fine-tuning/learning-rate', 'cpu');
    expect(output).toContain('pretrained at lr 2e-3 → fine-tune at about 2e-4');
    expect(output).toContain('step   63  lr 2.00e-4');
    expect(state).toBe('done');
  }, 180_000);
});
