/**
 * The playground page as the end-to-end tests drive it: the steps a person takes (load a model,
 * load data, set a run up, start it), each waiting for what the page shows when the step is done,
 * and readers for what the page reports (the device, the logged losses, the predictions).
 */
import type { Browser, BrowserContext, Page } from 'playwright';

/** The settings of a short run (the fields of the page's forms). */
export interface ShortRun {
  name: string;
  trainRows: number;
  evalRows: number;
  maxLength: number;
  batchSize: number;
  maxSteps: number;
  learningRate: number;
  loggingSteps: number;
  evalSteps: number;
  saveSteps: number;
}

/** Everything the page printed to its console, for the failure message. */
export function consoleLog(page: Page): string[] {
  const lines: string[] = [];
  page.on('console', (m) => lines.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => lines.push(`[pageerror] ${e.message}`));
  return lines;
}

/** A fresh browser context (its own OPFS and storage) with the page open on `url` and its device started (`?device=`). */
export async function openPage(
  browser: Browser,
  url: string,
  device: 'auto' | 'webgpu' | 'cpu',
): Promise<{ context: BrowserContext; page: Page; log: string[] }> {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1360, height: 1000 } });
  const page = await context.newPage();
  const log = consoleLog(page);
  await page.goto(`${url}?device=${device}`);
  await waitForDevice(page);
  return { context, page, log };
}

/** Waits until the device badge names the device (or an error shows). */
export async function waitForDevice(page: Page): Promise<string> {
  await page.waitForFunction(() => {
    const badge = document.querySelector('[data-testid="device"]');
    const error = document.querySelector('[data-testid="error"]') as HTMLElement | null;
    return (badge && /WebGPU|CPU/.test(badge.textContent ?? '') && !/Starting/.test(badge.textContent ?? '')) || (error && !error.hidden);
  });
  await throwShownError(page);
  return (await page.getByTestId('device').textContent()) ?? '';
}

/** Fails with the page's error banner when it shows one. */
export async function throwShownError(page: Page): Promise<void> {
  const banner = page.getByTestId('error');
  if (await banner.isVisible()) throw new Error(`the page shows an error: ${await banner.textContent()}`);
}

/** Waits for `selector` to be visible, failing early with the page's error banner. */
async function waitOrError(page: Page, selector: string, timeout = 120_000): Promise<void> {
  await page.waitForFunction(
    (sel) => {
      const error = document.querySelector('[data-testid="error"]') as HTMLElement | null;
      return (error && !error.hidden) || !!document.querySelector(sel);
    },
    selector,
    { timeout },
  );
  await throwShownError(page);
}

/** Loads the embedded checkpoint. */
export async function loadEmbeddedModel(page: Page): Promise<void> {
  await page.getByTestId('load-embedded').click();
  await waitOrError(page, '[data-testid="model-summary"] .summary-line');
}

/** Loads the SST-2 sample with the run's sizes. */
export async function loadSst2(page: Page, run: ShortRun): Promise<void> {
  await page.fill('#train-samples', String(run.trainRows));
  await page.fill('#eval-samples', String(run.evalRows));
  await page.fill('#max-length', String(run.maxLength));
  await page.getByTestId('load-data').click();
  await waitOrError(page, '[data-testid="data-summary"] .summary-line');
}

/** Picks option `value` of the segmented control `name` (a radio group styled as a bar). */
export async function chooseSegment(page: Page, name: string, value: string): Promise<void> {
  await page.locator(`input[name="${name}"][value="${value}"]`).check({ force: true });
}

/** Loads a data file of the user's (through the file input, as a pick or a drop gives it), all rows. */
export async function loadUserData(page: Page, path: string, maxLength: number): Promise<void> {
  await chooseSegment(page, 'data-kind', 'file');
  await page.setInputFiles('#data-file-input', path);
  await page.fill('#train-samples', '');
  await page.fill('#eval-samples', '');
  await page.fill('#max-length', String(maxLength));
  await page.getByTestId('load-data').click();
  await waitOrError(page, '[data-testid="data-summary"] .summary-line');
}

/** Fills the fine-tuning form for a LoRA run. */
export async function fillRun(page: Page, run: ShortRun): Promise<void> {
  await page.fill('#learning-rate', String(run.learningRate));
  await page.fill('#batch-size', String(run.batchSize));
  await page.fill('#max-steps', String(run.maxSteps));
  await page.locator('details.advanced', { hasText: 'Logging, evaluation, checkpoints' }).locator('summary').click();
  await page.fill('#logging-steps', String(run.loggingSteps));
  await page.fill('#eval-steps', String(run.evalSteps));
  await page.fill('#save-steps', String(run.saveSteps));
  await page.fill('#run-name', run.name);
}

/** Waits until the shown run reaches one of `states` (`done`, `paused`, …). */
export async function waitForRunState(page: Page, states: string[], timeout = 170_000): Promise<string> {
  await page.waitForFunction(
    (want) => {
      const error = document.querySelector('[data-testid="error"]') as HTMLElement | null;
      const chip = document.querySelector('[data-testid="run-state"]') as HTMLElement | null;
      return (error && !error.hidden) || (chip && want.includes(chip.dataset.state ?? ''));
    },
    states,
    { timeout, polling: 250 },
  );
  await throwShownError(page);
  return (await page.getByTestId('run-state').getAttribute('data-state')) ?? '';
}

/** The logged training losses by step, and the evaluation losses, from the log table. */
export async function loggedLosses(page: Page): Promise<{ train: [number, number][]; eval: [number, number][] }> {
  return page.evaluate(() => {
    const rows = Array.from(document.querySelectorAll<HTMLElement>('[data-testid="log-rows"] tr'));
    const pick = (attr: string) =>
      rows.filter((r) => r.hasAttribute(attr)).map((r) => [Number(r.dataset.step), Number(r.getAttribute(attr))] as [number, number]);
    return { train: pick('data-loss'), eval: pick('data-eval-loss') };
  });
}

/** Types `texts` and predicts; returns each text's label and logits for run `run`. */
export async function predictTexts(page: Page, texts: string[], run: string): Promise<{ label: string; logits: number[] }[]> {
  await page.fill('#predict-input', texts.join('\n'));
  await page.getByTestId('predict').click();
  await waitOrError(page, `[data-testid="predictions"] td.prediction[data-run="${run}"]`);
  return page.evaluate(
    (name) =>
      Array.from(document.querySelectorAll<HTMLElement>(`[data-testid="predictions"] td.prediction[data-run="${name}"]`)).map((td) => ({
        label: td.dataset.label ?? '',
        logits: JSON.parse(td.dataset.logits ?? '[]') as number[],
      })),
    run,
  );
}
