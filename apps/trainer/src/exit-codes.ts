/**
 * The exit codes of `graft`, documented in apps/trainer/README.md. Scripts branch on them, so they
 * are stable: a new kind of failure gets a new number, never a reused one.
 */

/** Exit codes by meaning. */
export const EXIT = {
  /** The command did what was asked. */
  ok: 0,
  /** Training, evaluation or prediction failed while running (a diverged loss, out of memory, a bug). */
  failure: 1,
  /** The command line is wrong: unknown command or flag, bad value, missing file or folder, unknown column. */
  usage: 2,
  /** A data file is malformed or does not fit the task (bad rows, unknown labels, an empty split). */
  data: 3,
  /** A model or tokenizer directory is unusable (no config.json, unsupported model_type, wrong shapes). */
  model: 4,
  /** Interrupted with Ctrl-C (SIGINT), as shells report 128 + 2. */
  interrupted: 130,
} as const;

/** One of the values of {@link EXIT}. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
