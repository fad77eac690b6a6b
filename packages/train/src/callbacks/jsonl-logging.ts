/**
 * Every `log_history` entry as one JSON line (`metrics.jsonl`): training logs (`loss`,
 * `learning_rate`, `grad_norm`, `epoch`, `step`), evaluations (`eval_*`) and the final summary,
 * with the same keys as `trainer_state.json`. Lines go to a sink, so the same callback writes a
 * file in Node (`jsonlFileSink` of `@graft/train/node`), an array in tests, or OPFS.
 */
import type { LogEntry } from '../state/trainer-state';
import type { CallbackContext, TrainerCallback } from './callback';

/** Where JSON lines go. */
export interface JsonlSink {
  /** Appends one line (without its newline). */
  append(line: string): void | Promise<void>;
  /**
   * Drops the lines of steps after `step` (all of them for 0): a fresh run starts an empty log,
   * and a resumed run forgets what the interrupted one logged after its checkpoint.
   */
  rewind?(step: number): void | Promise<void>;
}

/** Writes each log entry to a {@link JsonlSink} as a JSON line. */
export class JsonlLoggingCallback implements TrainerCallback {
  readonly name = 'JsonlLoggingCallback';

  constructor(readonly sink: JsonlSink) {}

  /** Rewinds the sink to the step training starts from. */
  async onTrainBegin({ state }: CallbackContext): Promise<void> {
    await this.sink.rewind?.(state.globalStep);
  }

  /** Appends the entry as one JSON line. */
  async onLog(_ctx: CallbackContext, entry: Readonly<LogEntry>): Promise<void> {
    await this.sink.append(JSON.stringify(entry));
  }
}

/** A sink that keeps lines in memory (`lines`), for tests and pages that show them. */
export function memoryJsonlSink(): JsonlSink & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    append: (line) => {
      lines.push(line);
    },
    rewind: (step) => {
      const kept = step > 0 ? lines.filter((l) => (JSON.parse(l) as LogEntry).step <= step) : [];
      lines.splice(0, lines.length, ...kept);
    },
  };
}
