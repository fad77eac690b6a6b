/**
 * What the docs site is built from, read the way the tests need it: the pages, the example files
 * each page shows (`<<< @/examples/…`) or links to, and the examples each page can run in the
 * browser (`<RunExample id="…"/>`). docs/examples.test.ts and docs/site.test.ts check these
 * against the example files, their tests and the built site.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The docs folder (this file is docs/site-sources.ts). */
export const docsDir = import.meta.dirname;

/** Where the examples live. */
export const examplesDir = join(docsDir, 'examples');

/** A page of the site: its source path under docs/, and the HTML file VitePress makes of it. */
export interface SitePage {
  source: string;
  html: string;
}

/** Every page: docs/*.md and docs/guide/*.md (VitePress makes `x.md` into `x.html`). */
export function sitePages(): SitePage[] {
  const pages: SitePage[] = [];
  for (const dir of ['', 'guide']) {
    for (const name of readdirSync(join(docsDir, dir)).sort()) {
      if (!name.endsWith('.md') || name === 'README.md') continue;
      const source = dir ? `${dir}/${name}` : name;
      pages.push({ source, html: source.replace(/\.md$/, '.html') });
    }
  }
  return pages;
}

const read = (page: string) => readFileSync(join(docsDir, page), 'utf8');

/** Example files (paths under docs/examples) that a page shows with `<<< @/examples/…`. */
export function shownExamples(page: string): string[] {
  return [...read(page).matchAll(/^<<< @\/examples\/(\S+?)(?:\{[^}]*\})?$/gm)].map((m) => m[1]);
}

/** Example files (paths under docs/examples) that a page links to on GitHub instead of showing. */
export function linkedExamples(page: string): string[] {
  return [...read(page).matchAll(/\/docs\/examples\/([\w/.-]+\.ts)\)/g)].map((m) => m[1]);
}

/** The ids of the Run buttons on a page: lines `<RunExample id="nn/cnn" />` (not the tag quoted in text). */
export function runButtons(page: string): string[] {
  return [...read(page).matchAll(/^<RunExample id="([^"]+)" \/>$/gm)].map((m) => m[1]);
}

/** Every file under docs/examples, as paths relative to it. */
export function exampleFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [relative(examplesDir, join(dir, e.name))]));
  return walk(examplesDir).sort();
}

/** The relative imports of a TypeScript file under docs/examples, as paths relative to docs/examples (with `.ts`). */
export function relativeImports(file: string): string[] {
  const text = readFileSync(join(examplesDir, file), 'utf8');
  const from = join(examplesDir, file, '..');
  return [...text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)].map((m) => relative(examplesDir, join(from, `${m[1]}.ts`)));
}
