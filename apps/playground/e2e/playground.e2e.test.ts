/**
 * The playground end to end: the built site on localhost, driven in headless Chromium (WebGPU on
 * SwiftShader, and the WebAssembly CPU path), with runs kept tiny (a few dozen rows, 32 tokens,
 * eight steps) so the file stays within a few minutes on two shared cores. What a person would
 * check: the page says its device; a LoRA run completes on either device; its loss falls; a
 * prediction appears; a reload resumes the run where it stopped (same step and same data order:
 * the losses after the checkpoint are the uninterrupted run's); the adapter the page downloads
 * loads in Node with the same logits; a second adapter is kept on the same base and compared; a
 * checkpoint loads by URL from a server with the Hub's layout; another architecture, a malformed
 * data file and a browser without WebGPU are explained in plain words.
 *
 * Why the WebGPU run trains on reviews.jsonl, three in four positive: the embedded checkpoint was
 * pretrained as a masked LM only, so its [CLS] vectors hardly differ between sentences (0.05 apart
 * at norm 10, measured) and a classifier on them needs ~100 steps before it tells reviews apart
 * (the CLI demo's curve). What it learns in eight steps is the label prior, and that is enough
 * to see the loss fall from ln 2 (0.69) towards the prior's entropy (0.56) whatever the device.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { noGrad } from '@graft/core';
import { padCollate } from '@graft/data';
import { fromPretrained, loadTokenizer } from '@graft/models/node';
import { PeftModel } from '@graft/peft';
import { unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch } from './browser';
import {
  chooseSegment,
  fillRun,
  loadEmbeddedModel,
  loadSst2,
  loadUserData,
  loggedLosses,
  openPage,
  predictTexts,
  type ShortRun,
  waitForRunState,
} from './page';
import { APP_ROOT, buildSite, hubServer, previewSite, type Running } from './servers';

const MODEL_DIR = fileURLToPath(new URL('../../../assets/models/bert-tiny-imdb-mlm', import.meta.url));
const REVIEWS = fileURLToPath(new URL('./fixtures/reviews.jsonl', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('./artifacts', import.meta.url));
const SENTENCES = ['a gorgeous, witty, seductive movie.', 'the plot is nothing but boilerplate clichés from start to finish.'];

/** The WebGPU run: every training row in each step (28 rows, batch 32), so each step's loss is the whole set's. */
const GPU_RUN: ShortRun = {
  name: 'lora-gpu',
  trainRows: 0,
  evalRows: 0,
  maxLength: 32,
  batchSize: 32,
  maxSteps: 8,
  learningRate: 2e-3,
  loggingSteps: 1,
  evalSteps: 8,
  saveSteps: 8,
};
/** The CPU run, on the SST-2 sample, checkpointed at step 4 so a reload can resume from there. */
const CPU_RUN: ShortRun = {
  name: 'lora-cpu',
  trainRows: 48,
  evalRows: 16,
  maxLength: 32,
  batchSize: 8,
  maxSteps: 8,
  learningRate: 2e-3,
  loggingSteps: 1,
  evalSteps: 8,
  saveSteps: 4,
};

// in CI a missing browser must fail; elsewhere the suite waits for one to be installed
const suite = hasChromium || process.env.CI ? describe : describe.skip;

suite('playground end to end', () => {
  let browser: Browser;
  let site: Running;
  let downloads: string;
  /** The uninterrupted CPU run's training losses by step (the reload test continues the same run). */
  let cpuLosses: Map<number, number> | null = null;

  beforeAll(async () => {
    await buildSite();
    site = await previewSite();
    browser = await launch();
    downloads = mkdtempSync(join(tmpdir(), 'graft-playground-e2e-'));
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    if (downloads) rmSync(downloads, { recursive: true, force: true });
  });

  /** Opens the page on `device` and runs `body`; on failure, the page's console and a screenshot come with the error. */
  async function withPage(device: 'webgpu' | 'cpu', label: string, body: (page: Page) => Promise<void>): Promise<void> {
    const { context, page, log } = await openPage(browser, site.url, device);
    try {
      await body(page);
    } catch (e) {
      await page.screenshot({ path: join(ARTIFACTS, `failure-${label}.png`), fullPage: true }).catch(() => {});
      throw new Error(`${(e as Error).message}\n--- page console ---\n${log.slice(-40).join('\n')}`, { cause: e });
    } finally {
      await context.close();
    }
  }

  /** Downloads run `name`'s adapter and returns its files. */
  async function downloadAdapter(page: Page, name: string): Promise<Map<string, Uint8Array>> {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`download-adapter-${name}`).click()]);
    const zip = join(downloads, `${name}.zip`);
    await download.saveAs(zip);
    return new Map(Object.entries(unzipSync(readFileSync(zip))));
  }

  it('trains LoRA on WebGPU from a picked JSONL file: the loss falls, a prediction appears, the adapter gives Node the same logits', async () => {
    await withPage('webgpu', 'webgpu', async (page) => {
      expect(await page.getByTestId('device').textContent()).toMatch(/^WebGPU/);
      await loadEmbeddedModel(page);
      await loadUserData(page, REVIEWS, GPU_RUN.maxLength);
      expect(await page.getByTestId('data-summary').textContent()).toMatch(/reviews\.jsonl/);
      await fillRun(page, GPU_RUN);
      await page.getByTestId('start').click();
      expect(await waitForRunState(page, ['done', 'failed', 'cancelled'])).toBe('done');
      const { train } = await loggedLosses(page);
      expect(train.map(([step]) => step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const first = (train[0][1] + train[1][1]) / 2;
      const last = (train[5][1] + train[6][1] + train[7][1]) / 3;
      expect(first).toBeGreaterThan(0.66);
      expect(last).toBeLessThan(first - 0.05);

      const predictions = await predictTexts(page, SENTENCES, GPU_RUN.name);
      expect(predictions.map((p) => p.label)).toEqual([expect.stringMatching(/^(negative|positive)$/), expect.stringMatching(/^(negative|positive)$/)]);
      // every run leaves its screenshot to look at; the committed one (the README's) changes only when asked,
      // since the speed shown differs from run to run
      const shot = await page.screenshot({ path: join(ARTIFACTS, 'trained-last.png'), fullPage: true });
      if (process.env.GRAFT_UPDATE_SCREENSHOT === '1') writeFileSync(join(ARTIFACTS, 'trained.png'), shot);

      const adapter = await downloadAdapter(page, GPU_RUN.name);
      expect([...adapter.keys()].sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
      const logits = await nodeLogits(adapter, ['negative', 'positive'], SENTENCES, GPU_RUN.maxLength);
      // WebGPU sums in another order than Node's CPU kernels: the same to float32 rounding
      for (let i = 0; i < SENTENCES.length; i++) for (let k = 0; k < 2; k++) expect(logits[i][k]).toBeCloseTo(predictions[i].logits[k], 4);
    });
  });

  it('trains LoRA on the CPU path on the SST-2 sample (paused and resumed on the way), keeps a second adapter on the same base for comparison, and the adapter gives Node identical logits', async () => {
    await withPage('cpu', 'cpu', async (page) => {
      // vite preview sends the isolation headers, so the WASM kernels get worker threads
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      expect(await page.getByTestId('device').textContent()).toMatch(/^CPU \(WebAssembly SIMD, \d+ threads?\) · WebGPU not used: the CPU was chosen$/);
      await loadEmbeddedModel(page);
      await loadSst2(page, CPU_RUN);
      await fillRun(page, CPU_RUN);
      await page.getByTestId('start').click();
      // paused, the run holds its step; resumed, it goes on as if nothing happened (the reload test compares with its losses)
      await page.waitForFunction(() => /step [23] of 8/.test(document.querySelector('[data-testid="progress-text"]')?.textContent ?? ''));
      await page.getByTestId('pause').click();
      await waitForRunState(page, ['paused']);
      const heldAt = await page.getByTestId('progress-text').textContent();
      await page.waitForTimeout(1000);
      expect(await page.getByTestId('progress-text').textContent()).toBe(heldAt);
      expect(await page.getByTestId('pause').textContent()).toBe('Resume');
      await page.getByTestId('pause').click();
      expect(await waitForRunState(page, ['done', 'failed', 'cancelled'])).toBe('done');
      const { train } = await loggedLosses(page);
      expect(train.map(([step]) => step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      cpuLosses = new Map(train);
      const predictions = await predictTexts(page, SENTENCES, CPU_RUN.name);

      // a second adapter on the same base, then both compared on the same sentences
      await page.fill('#run-name', 'lora-cpu-b');
      await page.fill('#learning-rate', '0.01');
      await page.fill('#max-steps', '3');
      await page.getByTestId('start').click();
      expect(await waitForRunState(page, ['done', 'failed', 'cancelled'])).toBe('done');
      const second = await predictTexts(page, SENTENCES, 'lora-cpu-b');
      const first = await page.$$eval('td.prediction[data-run="lora-cpu"]', (tds) => tds.map((td) => JSON.parse((td as HTMLElement).dataset.logits ?? '[]')));
      // swapping adapters leaves each as it was
      expect(first).toEqual(predictions.map((p) => p.logits));
      expect(second.map((p) => p.logits)).not.toEqual(first);

      const adapter = await downloadAdapter(page, CPU_RUN.name);
      const logits = await nodeLogits(adapter, ['negative', 'positive'], SENTENCES, CPU_RUN.maxLength);
      expect(logits).toEqual(predictions.map((p) => p.logits));
    });
  });

  it('resumes a run after a reload from its checkpoint, at the same step and data position; a cancelled run stops and stays usable', async () => {
    await withPage('cpu', 'resume', async (page) => {
      await loadEmbeddedModel(page);
      await loadSst2(page, CPU_RUN);
      await fillRun(page, CPU_RUN);
      await page.getByTestId('start').click();
      await page.waitForFunction(() => /step 4/.test(document.querySelector('[data-testid="checkpoint"]')?.textContent ?? ''), null, { timeout: 120_000 });
      await page.getByTestId('pause').click();
      await waitForRunState(page, ['paused']);
      await page.reload();
      await page.getByTestId('pending-run').waitFor({ state: 'visible', timeout: 60_000 });
      expect(await page.getByTestId('pending-run').textContent()).toMatch(/lora-cpu.*checkpoint is at step 4 of 8/s);
      await page.getByTestId('resume-pending').click();
      expect(await waitForRunState(page, ['done', 'failed', 'cancelled'])).toBe('done');
      const { train } = await loggedLosses(page);
      expect(train.map(([step]) => step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      // steps 5…8 ran after the reload: the same batches in the same order as the uninterrupted run
      if (cpuLosses) for (const [step, loss] of train.filter(([s]) => s > 4)) expect(loss).toBe(cpuLosses.get(step));
      expect((await predictTexts(page, SENTENCES, CPU_RUN.name)).length).toBe(SENTENCES.length);

      // a cancelled run stops after the step it was in, and what it trained stays usable
      await page.fill('#run-name', 'lora-cancelled');
      await page.fill('#max-steps', '200');
      await page.getByTestId('start').click();
      await page.waitForFunction(() => /step [1-9]\d* of 200/.test(document.querySelector('[data-testid="progress-text"]')?.textContent ?? ''));
      await page.getByTestId('cancel').click();
      expect(await waitForRunState(page, ['done', 'failed', 'cancelled'])).toBe('cancelled');
      const steps = Number(/step (\d+) of 200/.exec((await page.getByTestId('progress-text').textContent()) ?? '')?.[1]);
      expect(steps).toBeGreaterThan(0);
      expect(steps).toBeLessThan(200);
      expect((await predictTexts(page, SENTENCES, 'lora-cancelled')).length).toBe(SENTENCES.length);
    });
  });

  it('loads a checkpoint by URL from a server with the Hub layout, takes a picked checkpoint folder and a dropped data file, and refuses another architecture and a malformed file in plain words', async () => {
    const gpt2 = JSON.stringify({ model_type: 'gpt2', architectures: ['GPT2LMHeadModel'], n_layer: 2 });
    const hub = await hubServer({ 'graft/bert-tiny': MODEL_DIR }, { 'graft/gpt2-tiny/config.json': gpt2 });
    try {
      await withPage('cpu', 'hub', async (page) => {
        await chooseSegment(page, 'model-kind', 'hub');
        await page.locator('details.advanced', { hasText: 'Hub address' }).locator('summary').click();
        await page.fill('#hub-endpoint', hub.url);
        const load = async (repo: string) => {
          await page.fill('#hub-repo', repo);
          await page.getByTestId('load-hub').click();
          await page.waitForFunction(() => {
            const error = document.querySelector('[data-testid="error"]') as HTMLElement | null;
            return (error && !error.hidden) || document.querySelector('[data-testid="model-summary"] .summary-line');
          });
        };
        await load('graft/bert-tiny');
        expect(await page.getByTestId('model-summary').textContent()).toMatch(/graft\/bert-tiny.*bert · 2 layers/);
        await load('graft/gpt2-tiny');
        expect(await page.getByTestId('error-title').textContent()).toBe('This architecture is not supported');
        expect(await page.getByTestId('error-detail').textContent()).toMatch(/gpt2/);

        // a checkpoint folder of the user's, picked file by file
        await chooseSegment(page, 'model-kind', 'files');
        await page.setInputFiles(
          '#model-files',
          readdirSync(MODEL_DIR).map((name) => join(MODEL_DIR, name)),
        );
        await page.waitForFunction(() => /selected files/.test(document.querySelector('[data-testid="model-summary"]')?.textContent ?? ''));
        expect(await page.getByTestId('model-summary').textContent()).toMatch(/6 selected files.*bert · 2 layers/);

        // a data file dropped on the zone that does not parse: named with its place, and what to do is said
        await chooseSegment(page, 'data-kind', 'file');
        await page
          .locator('.drop-zone')
          .last()
          .evaluate((zone) => {
            const data = new DataTransfer();
            data.items.add(new File(['text,label\n"never closed,1\nfine,0\n'], 'broken.csv', { type: 'text/csv' }));
            zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
          });
        await page.getByTestId('data-file').getByText('broken.csv').waitFor();
        await page.getByTestId('load-data').click();
        await page.getByTestId('error').waitFor({ state: 'visible' });
        expect(await page.getByTestId('error-title').textContent()).toBe('The data file is malformed');
        expect(await page.getByTestId('error-detail').textContent()).toMatch(/broken\.csv:2/);
      });
    } finally {
      await hub.close();
    }
  });
});

describe.runIf(hasChromium)('playground without WebGPU', () => {
  it('falls back to the CPU and says why, and explains what to do when WebGPU is asked for', async () => {
    // the suite above builds the site; run alone, this test builds it
    if (!existsSync(join(APP_ROOT, 'dist', 'index.html'))) await buildSite();
    const site = await previewSite();
    // without --enable-unsafe-webgpu, Chromium on Linux offers no adapter
    const browser = await launch({ webgpu: false });
    try {
      const { context, page } = await openPage(browser, site.url, 'auto');
      expect(await page.getByTestId('device').textContent()).toMatch(/^CPU \(WebAssembly.*WebGPU not used: the browser offers no WebGPU adapter/);
      await page.goto(`${site.url}?device=webgpu`);
      await page.getByTestId('error').waitFor({ state: 'visible' });
      expect(await page.getByTestId('error-title').textContent()).toBe('WebGPU is not available');
      expect(await page.getByTestId('error-action').textContent()).toMatch(/Choose “CPU”/);
      await context.close();
    } finally {
      await browser.close();
      await site.close();
    }
  });
});

/** Logits of the base model with a downloaded adapter, in Node on the CPU, for `texts` cut to `maxLength` tokens. */
async function nodeLogits(adapter: Map<string, Uint8Array>, labels: string[], texts: string[], maxLength: number): Promise<number[][]> {
  const base = await fromPretrained(MODEL_DIR, { task: 'sequence-classification', id2label: labels, ignoreMismatchedSizes: true, seed: 0 });
  const model = await PeftModel.fromPretrained(base, adapter);
  model.eval();
  const tokenizer = await loadTokenizer(MODEL_DIR);
  tokenizer.setTruncation({ maxLength, strategy: 'longest_first' });
  const rows = tokenizer.encodeBatch(texts).map((e) => ({ inputIds: e.ids, attentionMask: e.attentionMask, tokenTypeIds: e.typeIds }));
  const net = model as unknown as { call(batch: unknown): { logits: { arraySync(): unknown } } };
  return noGrad(() => net.call(padCollate({ padTokenId: 0 })(rows)).logits.arraySync()) as number[][];
}
