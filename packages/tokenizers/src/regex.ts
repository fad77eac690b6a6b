/**
 * Compiles the Oniguruma patterns of tokenizer.json (HF runs them with the `onig` crate) into JS
 * regexes with `oniguruma-to-es`, which emulates Oniguruma's semantics exactly: Unicode `\w`,
 * `\d`, `\s`; `(?i:…)` with Unicode case folding (`ſ` matches `s`, `K` matches `k`); atomic
 * groups and possessive quantifiers; `^`/`$` as line anchors; `.` not matching a newline. Checked
 * against Oniguruma itself on the split patterns of GPT-2, Llama 3, Qwen2 and GPT-4o (see the
 * package README, Decisions), where the hand translator this replaced disagreed on 1.7–2.9% of
 * random strings.
 *
 * The translator's cost grows faster than linearly in some shapes (16,000 alternatives take
 * 14 s; nesting deeper than a few thousand groups overflows the stack), so patterns are bounded
 * first, far above anything a published tokenizer uses.
 */
import { toRegExp } from 'oniguruma-to-es';
import { TokenizerError } from './errors';

/** The bounds on a pattern, with the measured reason for each. */
export const REGEX_LIMITS = {
  /** Characters in the pattern (the longest published split patterns are ~2,000). */
  length: 32_768,
  /** `|` alternatives (translation time is quadratic in them: 4,000 take 1 s). */
  alternatives: 2_000,
  /** Group nesting depth (the translator recurses per level). */
  depth: 256,
} as const;

const CACHE_SIZE = 256;
const cache = new Map<string, RegExp>();

/** Compiles an Oniguruma pattern from tokenizer.json to a global Unicode JS regex. */
export function compileRegex(source: string): RegExp {
  let re = cache.get(source);
  if (re) return re;
  checkBounds(source);
  try {
    // ES2018 (the `u` flag) gives the same output on every runtime we support; a newer target
    // would switch to the `v` flag where the runtime has it.
    re = toRegExp(source, { global: true, target: 'ES2018' });
  } catch (e) {
    const detail = e instanceof RangeError ? 'nested too deeply' : (e as Error).message;
    throw new TokenizerError('E_BAD_FIELD', `regex ${quote(source)} is invalid or has no JS equivalent (${detail})`);
  }
  if (cache.size >= CACHE_SIZE) cache.clear(); // bounded: a server may load many tokenizers
  cache.set(source, re);
  return re; // shared: every user resets lastIndex before scanning
}

/** Rejects patterns past `REGEX_LIMITS` with E_LIMIT, before any expensive work. */
function checkBounds(source: string): void {
  const over = (what: string, n: number, limit: number) =>
    new TokenizerError(
      'E_LIMIT',
      `regex ${quote(source)} has ${n} ${what}, more than the ${limit} this package compiles; split it into several Split or Replace steps`,
    );
  if (source.length > REGEX_LIMITS.length) throw over('characters', source.length, REGEX_LIMITS.length);
  let depth = 0;
  let maxDepth = 0;
  let bars = 0;
  let inClass = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '[') inClass++;
    else if (c === ']' && inClass > 0) inClass--;
    else if (inClass > 0) continue;
    else if (c === '(') maxDepth = Math.max(maxDepth, ++depth);
    else if (c === ')') depth--;
    else if (c === '|') bars++;
  }
  if (bars >= REGEX_LIMITS.alternatives) throw over('alternatives', bars + 1, REGEX_LIMITS.alternatives);
  if (maxDepth > REGEX_LIMITS.depth) throw over('levels of nested groups', maxDepth, REGEX_LIMITS.depth);
}

/** The pattern for a message, cut short so that a huge pattern does not flood the log. */
function quote(source: string): string {
  return JSON.stringify(source.length > 80 ? `${source.slice(0, 80)}…` : source);
}
