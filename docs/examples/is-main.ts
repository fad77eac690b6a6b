/**
 * Whether a module is the script Node was started with (`tsx docs/examples/nn/cnn.ts`). Examples
 * end with `if (isMain(import.meta.url)) …` so the same file is a script, a module the tests and
 * guides import, and a module the docs site bundles for the browser, where there is no `process`.
 */
export function isMain(moduleUrl: string): boolean {
  const argv = typeof process === 'undefined' ? undefined : process.argv;
  if (!argv?.[1]) return false;
  const script = argv[1].replace(/\\/g, '/');
  return decodeURIComponent(moduleUrl) === `file://${script.startsWith('/') ? '' : '/'}${script}`;
}
