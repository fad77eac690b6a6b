/**
 * What `fromPretrained` takes and reports. The report mirrors transformers' loading info
 * (`output_loading_info=True`) and its warnings: keys the checkpoint lacked, keys it had that the
 * model does not use, keys initialised fresh, and keys whose shapes differed.
 */
import type { Generator } from '@graft/core';
import type { ProblemType } from '../config/pretrained-config';
import type { TensorShapeMismatch } from '../errors';

/** Options of `fromPretrained`. */
export interface FromPretrainedOptions {
  /** The number of labels of a classification head (rebuilds `id2label` as `LABEL_i` unless `id2label` is given). */
  numLabels?: number;
  /** Label names, by class id (a list or a map); sets `num_labels` and `label2id` too. */
  id2label?: readonly string[] | Record<number, string>;
  /** How the sequence classifier's loss is chosen. */
  problemType?: ProblemType;
  /** Other config.json fields to replace, by their HF names (`{ hidden_dropout_prob: 0.2 }`). */
  config?: Record<string, unknown>;
  /**
   * Tensors whose shape differs from the model's are initialised fresh and reported in
   * `mismatched` instead of failing the load (transformers' `ignore_mismatched_sizes`): how a
   * 2-label classifier checkpoint becomes a 5-label one.
   */
  ignoreMismatchedSizes?: boolean;
  /**
   * The parameters' dtype: `'float32'` (default; F16 and BF16 are widened), `'float16'`, or
   * `'auto'` (float16 when every stored float is F16, else float32; Graft has no bfloat16).
   * float16 needs a device that holds it (WebGPU with shader-f16).
   */
  dtype?: 'float32' | 'float16' | 'auto';
  /** The device to put the model on (default: the CPU). */
  device?: string;
  /** The generator new heads are initialised from (default: `new Generator(seed)` when `seed` is given, else the global generator). */
  generator?: Generator;
  /** A seed for the new heads' initialisation. */
  seed?: number;
  /** Called with the loading report (transformers' warnings) when something was missing, unused or mismatched. */
  log?: (message: string) => void;
}

/** What a load found, as transformers' loading info. */
export interface LoadingInfo {
  /** Model keys the checkpoint did not have (initialised fresh). */
  missing: string[];
  /** Checkpoint keys the model does not use (as named in the checkpoint). */
  unexpected: string[];
  /** Model keys initialised fresh: the missing ones and the mismatched ones. */
  newlyInitialized: string[];
  /** Keys whose checkpoint shape differed (only with `ignoreMismatchedSizes`; otherwise the load fails). */
  mismatched: TensorShapeMismatch[];
}

/**
 * The report transformers prints after loading, or '' when everything matched:
 * which weights were not used, which were newly initialised, and which had other shapes.
 */
export function formatLoadingInfo(info: LoadingInfo, architecture: string, source: string): string {
  const parts: string[] = [];
  if (info.unexpected.length) {
    parts.push(
      `Some weights of the model checkpoint at ${source} were not used when initializing ${architecture}: ${list(info.unexpected)}\n` +
        `- This IS expected if you are initializing ${architecture} from a checkpoint trained on another task or with another architecture (e.g. a masked-LM checkpoint into a sequence classifier).`,
    );
  }
  const fresh = info.missing;
  if (fresh.length) {
    parts.push(
      `Some weights of ${architecture} were not initialized from the model checkpoint at ${source} and are newly initialized: ${list(fresh)}\n` +
        'You should probably TRAIN this model on a down-stream task to be able to use it for predictions and inference.',
    );
  }
  if (info.mismatched.length) {
    const lines = info.mismatched.map(
      (m) => `- ${m.key}: found shape [${m.found.join(', ')}] in the checkpoint and [${m.expected.join(', ')}] in the model instantiated`,
    );
    parts.push(
      `Some weights of ${architecture} were not initialized from the model checkpoint at ${source} and are newly initialized because the shapes did not match:\n${lines.join('\n')}`,
    );
  }
  return parts.join('\n');
}

function list(keys: readonly string[]): string {
  return `[${keys.map((k) => `'${k}'`).join(', ')}]`;
}
