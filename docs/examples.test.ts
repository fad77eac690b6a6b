/**
 * The pages cannot show an example that CI does not run: every example a page shows or links to
 * exists and is run by a test (its own `<name>.test.ts`, or through an example whose test imports
 * it), every Run button names an example registered for the browser, and every example file is
 * on some page. The tests beside the examples (docs/examples/**\/*.test.ts, in this project) run
 * them and check what they print; a broken example fails there.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runnable } from './.vitepress/theme/runnable';
import { exampleFiles, examplesDir, linkedExamples, relativeImports, runButtons, shownExamples, sitePages } from './site-sources';

const pages = sitePages().map((p) => p.source);
const examples = exampleFiles().filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

/** Example files a test runs: those its tests import, and what those import in turn. */
function runByTests(): Set<string> {
  const run = new Set<string>();
  const visit = (file: string) => {
    if (run.has(file)) return;
    run.add(file);
    for (const dep of relativeImports(file)) if (existsSync(join(examplesDir, dep))) visit(dep);
  };
  for (const test of exampleFiles().filter((f) => f.endsWith('.test.ts'))) for (const dep of relativeImports(test)) visit(dep);
  return run;
}

describe('every example a page shows', () => {
  const run = runByTests();
  for (const page of pages) {
    const shown = [...shownExamples(page), ...linkedExamples(page)];
    if (!shown.length) continue;
    it(`${page}: ${shown.length} example(s) exist and are run by a test`, () => {
      for (const file of shown) {
        expect(existsSync(join(examplesDir, file)), `${page} shows examples/${file}, which does not exist`).toBe(true);
        expect(run.has(file), `${page} shows examples/${file}, which no test runs: add ${file.replace(/\.ts$/, '.test.ts')}`).toBe(true);
      }
    });
  }
});

it('every Run button names a registered in-page example, and each is on a page', () => {
  const buttons = pages.flatMap((page) => runButtons(page).map((id) => ({ page, id })));
  expect(buttons.length).toBeGreaterThan(10);
  for (const { page, id } of buttons) {
    expect(Object.keys(runnable), `${page} has a Run button for '${id}', which docs/.vitepress/theme/runnable.ts does not register`).toContain(id);
    expect(existsSync(join(examplesDir, `${id}.ts`)), `the Run button '${id}' has no docs/examples/${id}.ts`).toBe(true);
  }
  const onPages = new Set(buttons.map((b) => b.id));
  for (const id of Object.keys(runnable)) expect(onPages.has(id), `'${id}' is registered to run in the page but no page has its Run button`).toBe(true);
});

it('every Run button sits under the example it runs', () => {
  for (const page of pages) for (const id of runButtons(page)) expect(shownExamples(page), `${page}: the Run button '${id}'`).toContain(`${id}.ts`);
});

it('every example file is on some page (shown, or linked from one)', () => {
  const onPages = new Set(pages.flatMap((page) => [...shownExamples(page), ...linkedExamples(page)]));
  const helpers = new Set(['is-main.ts']); // imported by every example; explained on the docs-and-examples page
  for (const file of examples) if (!helpers.has(file)) expect(onPages.has(file), `docs/examples/${file} is on no page`).toBe(true);
});
