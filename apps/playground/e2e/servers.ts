/**
 * The servers the end-to-end tests use: the built site, served by `vite preview` (so the
 * cross-origin isolation headers are the config's own), and a stand-in for the Hugging Face Hub
 * on another port, serving model folders in the Hub's layout (`/<repo>/resolve/<revision>/<file>`)
 * with the CORS header the real Hub sends, since the tests have no network.
 */
import { readFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';

/** The playground's folder. */
export const APP_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A running server and how to stop it. */
export interface Running {
  url: string;
  close(): Promise<void>;
}

/** Builds the site into `dist/` (quietly). */
export async function buildSite(): Promise<void> {
  await build({ root: APP_ROOT, configFile: join(APP_ROOT, 'vite.config.ts'), logLevel: 'error' });
}

/** Serves `dist/` with `vite preview` on a free port of localhost. */
export async function previewSite(): Promise<Running> {
  const server = await preview({
    root: APP_ROOT,
    configFile: join(APP_ROOT, 'vite.config.ts'),
    logLevel: 'error',
    preview: { port: 0, host: '127.0.0.1', open: false },
  });
  const address = server.httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise((resolve) => server.httpServer.close(() => resolve())),
  };
}

/** Serves `repos` (repo name → folder) in the Hub's layout on a free port; extra files by path override. */
export async function hubServer(repos: Record<string, string>, extra: Record<string, string> = {}): Promise<Running> {
  const server: Server = createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const m = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    const body = m ? (extra[`${m[1]}/${m[3]}`] ?? (repos[m[1]] && existsSync(join(repos[m[1]], m[3])) ? readFileSync(join(repos[m[1]], m[3])) : null)) : null;
    if (body === null || body === undefined) {
      res.statusCode = 404;
      res.end('Entry not found');
      return;
    }
    res.setHeader('Content-Type', 'application/octet-stream');
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
