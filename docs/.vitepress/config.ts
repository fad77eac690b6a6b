/**
 * The docs site: guides (docs/guide), the contributor pages (docs/architecture.md, naming.md),
 * the runnable examples shown with `<<< @/examples/…` (the files CI runs), and the API reference
 * that typedoc writes into docs/public/api before `vitepress build` (see `pnpm docs:build`).
 * Dead links between pages fail the build (VitePress's default); links into the API reference,
 * which VitePress does not check, are checked against the built files by docs/site.test.ts.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type DefaultTheme, defineConfig } from 'vitepress';
import { sourceConditions } from '../../vitest.shared';
import { nodeOnlyEntries } from './node-only';
import { copySiteData, siteData } from './site-data';

const base = process.env.GRAFT_DOCS_BASE ?? '/';
const docsDir = resolve(import.meta.dirname, '..');

// docs/guide/plugins.md is written by the plugin work; the sidebar lists it once it exists, so
// the site builds (and its link check passes) before and after it lands
const hasPluginGuide = existsSync(resolve(docsDir, 'guide/plugins.md'));
const pluginGuide: DefaultTheme.SidebarItem[] = hasPluginGuide ? [{ text: 'Writing a plugin', link: '/guide/plugins' }] : [];

const sidebar: DefaultTheme.SidebarItem[] = [
  {
    text: 'Start',
    items: [
      { text: 'What Graft is', link: '/guide/' },
      { text: 'Getting started', link: '/guide/getting-started' },
    ],
  },
  {
    text: 'Models',
    items: [
      { text: 'What a model is', link: '/guide/what-is-a-model' },
      { text: 'Choosing a pretrained model', link: '/guide/choosing-a-model' },
      { text: 'The five families', link: '/guide/model-families' },
      { text: 'Tokenizers', link: '/guide/tokenizers' },
    ],
  },
  {
    text: 'Fine-tuning',
    items: [
      { text: 'Choosing a method', link: '/guide/fine-tuning-methods' },
      { text: 'Learning rates and loss weights', link: '/guide/learning-rates' },
      { text: 'Walk-through: SST-2 and IMDB', link: '/guide/walkthrough' },
      { text: 'LoRA and adapters', link: '/guide/lora' },
      { text: 'Distillation', link: '/guide/distillation' },
    ],
  },
  {
    text: 'Running',
    items: [
      { text: 'Backends and memory', link: '/guide/backends' },
      { text: 'Choosing a backend (reference)', link: '/backends' },
      { text: 'Formats, and PyTorch and back', link: '/guide/formats' },
      ...pluginGuide,
    ],
  },
  {
    text: 'Contributing',
    items: [
      { text: 'How Graft is built', link: '/architecture' },
      { text: 'Names, and where a function lives', link: '/naming' },
      { text: 'Docs and examples', link: '/guide/contributing-docs' },
    ],
  },
];

export default defineConfig({
  title: 'Graft',
  description: 'Fine-tune pretrained models in TypeScript, in Node and in the browser, on WebGPU or the CPU.',
  base,
  // public/ holds typedoc's output, whose media/ copies of the READMEs are not pages
  srcExclude: ['examples/**', 'public/**', '**/README.md'],
  cacheDir: resolve(docsDir, 'node_modules/.vitepress-cache'),
  cleanUrls: false,
  // the guides' links to the plugin guide are dead only until it lands; every other dead link fails the build
  ignoreDeadLinks: hasPluginGuide ? false : [(url: string) => /(^|\/)plugins(\.md|\.html)?$/.test(url)],
  lastUpdated: false,
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/', activeMatch: '/guide/' },
      { text: 'API', link: '/api/index.html', target: '_self' },
      { text: 'Playground', link: 'https://github.com/graft-ml/graft/tree/main/apps/playground' },
    ],
    sidebar: { '/': sidebar },
    outline: [2, 3],
    search: { provider: 'local' },
    socialLinks: [{ icon: 'github', link: 'https://github.com/graft-ml/graft' }],
    editLink: { pattern: 'https://github.com/graft-ml/graft/edit/main/docs/:path', text: 'Edit this page' },
    footer: { message: 'Apache-2.0. Every example on these pages is a file that CI runs.' },
  },
  markdown: {
    config(md) {
      // links into the API reference leave the VitePress app (typedoc's HTML is a separate site under
      // /api/), so the router must not try to render them as pages
      const render = md.renderer.rules.link_open ?? ((tokens, i, options, _env, self) => self.renderToken(tokens, i, options));
      md.renderer.rules.link_open = (tokens, i, options, env, self) => {
        const href = tokens[i].attrGet('href') ?? '';
        if (href.startsWith('/api/') || href.startsWith(`${base}api/`)) tokens[i].attrSet('target', '_self');
        return render(tokens, i, options, env, self);
      };
    },
  },
  vite: {
    // Vite 5 adds these to its own client conditions (browser, import, module, default): the
    // browser bundle reads the packages from source and takes their browser entries
    resolve: { conditions: ['@graft/source'] },
    // class names stay: Graft's errors are told apart by class as well as by code
    esbuild: { keepNames: true },
    ssr: { resolve: { conditions: sourceConditions, externalConditions: ['@graft/source'] } },
    plugins: [siteData(base), nodeOnlyEntries()],
    build: { chunkSizeWarningLimit: 4096 },
  },
  buildEnd(site) {
    copySiteData(site.outDir);
  },
});
