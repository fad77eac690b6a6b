/**
 * `metrics.jsonl` on disk: lines are appended as they come (one `appendFile` each, so a killed
 * run keeps every line it logged), and a rewind rewrites the file atomically without the lines
 * after the step a run resumes from.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '@graft/core/node';
import { JsonlLoggingCallback, type JsonlSink } from '../callbacks/jsonl-logging';

/** A {@link JsonlSink} that appends to the file at `path` (its folder is created when missing). */
export function jsonlFileSink(path: string): JsonlSink & { readonly path: string } {
  let ready = false;
  const prepare = async () => {
    if (!ready) await mkdir(dirname(path), { recursive: true });
    ready = true;
  };
  return {
    path,
    async append(line) {
      await prepare();
      await appendFile(path, `${line}\n`);
    },
    async rewind(step) {
      await prepare();
      let text = '';
      try {
        text = await readFile(path, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      const kept =
        step <= 0
          ? []
          : text.split('\n').filter((line) => {
              if (line.trim() === '') return false;
              try {
                return (JSON.parse(line) as { step?: number }).step! <= step;
              } catch {
                return false; // a line cut short by a killed write
              }
            });
      await writeFileAtomic(path, kept.map((l) => `${l}\n`).join(''));
    },
  };
}

/** A {@link JsonlLoggingCallback} writing `<outputDir>/metrics.jsonl`. */
export function metricsJsonl(outputDir: string): JsonlLoggingCallback {
  return new JsonlLoggingCallback(jsonlFileSink(join(outputDir, 'metrics.jsonl')));
}
