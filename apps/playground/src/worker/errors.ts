/** The playground's own typed errors: problems it checks itself (a file it cannot use, a run it cannot find). */
import { GraftError } from '@graft/core';

/** Stable codes of {@link PlaygroundError}. */
export type PlaygroundErrorCode =
  | 'webgpu_unavailable'
  | 'no_model'
  | 'no_data'
  | 'unsupported_file'
  | 'column_not_found'
  | 'bad_label'
  | 'too_few_rows'
  | 'run_exists'
  | 'run_unknown'
  | 'run_busy'
  | 'no_pending_run'
  | 'not_resumable'
  | 'storage_unavailable'
  | 'method_unavailable';

/** An error the playground raises itself; the page turns its code into words and a next step. */
export class PlaygroundError extends GraftError {
  declare readonly code: PlaygroundErrorCode;

  constructor(code: PlaygroundErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
