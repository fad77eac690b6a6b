/**
 * The README's main command, `npm run demo`: fine-tune the embedded pretrained BERT
 * (`assets/models/bert-tiny-imdb-mlm`, 4.4 M parameters) on SST-2 with the `graft` CLI, print
 * progress and the dev accuracy and F1, label two sentences with the best checkpoint, and leave
 * the run directory (`runs/demo-<time>/`, with report.html) behind.
 *
 * The settings are chosen to learn clearly in a few minutes on 2 CPU cores: a seeded sample of
 * SST-2's training set, sentences cut at 64 tokens (SST-2's are short: 99% fit), 2 epochs at
 * batch 32 with the seed material's optimizer settings. The full recipe (all 67,349 sentences,
 * 3 epochs, length 128) is `pnpm bench`'s.
 *
 *   npm run demo
 */
import { join } from 'node:path';
import { runCli } from '@graft/cli';

/** The demo's settings (the README quotes them). */
export const DEMO = { trainSamples: 20000, maxLength: 64, epochs: 1, batchSize: 32, learningRate: 3e-4 } as const;

/** The two sentences the demo labels. */
export const EXAMPLES = ['a gorgeous, witty, seductive movie.', 'the plot is nothing but boilerplate clichés from start to finish.'];

/** Runs the demo; returns the exit code of the first command that failed, else 0. */
export async function runDemo(
  opts: { root: string; runDir?: string; trainSamples?: number; epochs?: number; quiet?: boolean } = { root: process.cwd() },
): Promise<number> {
  const runDir = opts.runDir ?? join('runs', `demo-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-')}`);
  const quiet = opts.quiet ? ['--quiet'] : [];
  const train = await runCli(
    [
      'train',
      'assets/models/bert-tiny-imdb-mlm',
      'sst2',
      '--train-samples',
      String(opts.trainSamples ?? DEMO.trainSamples),
      '--max-length',
      String(DEMO.maxLength),
      '--num-train-epochs',
      String(opts.epochs ?? DEMO.epochs),
      '--per-device-train-batch-size',
      String(DEMO.batchSize),
      '--learning-rate',
      String(DEMO.learningRate),
      '--warmup-ratio',
      '0.1',
      '--weight-decay',
      '0.01',
      '--output-dir',
      runDir,
      ...quiet,
    ],
    { cwd: opts.root },
  );
  if (train !== 0) return train;
  return runCli(['predict', join(runDir, 'best'), ...EXAMPLES, ...quiet], { cwd: opts.root });
}

// run as a script: `tsx --conditions=@graft/source docs/examples/cli/fine-tune-sst2.ts`
if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now();
  console.log(
    `Graft demo: fine-tune assets/models/bert-tiny-imdb-mlm on SST-2 (${DEMO.trainSamples} sentences, ${DEMO.epochs} epoch${DEMO.epochs === 1 ? '' : 's'}, CPU)`,
  );
  const code = await runDemo({ root: process.cwd() });
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  process.exitCode = code;
}
