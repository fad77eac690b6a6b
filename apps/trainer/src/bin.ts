#!/usr/bin/env node
/**
 * The `graft` executable. Ctrl-C asks the running command to stop after the current step, so
 * what was trained so far is saved and the exit code is 130; a second Ctrl-C quits at once.
 */
import { EXIT } from './exit-codes';
import { runCli } from './program';

const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(EXIT.interrupted);
  controller.abort();
  process.stderr.write('\ngraft: stopping after the current step (Ctrl-C again to quit now)\n');
});

process.exitCode = await runCli(process.argv.slice(2), { signal: controller.signal });
