/**
 * What a split or a replace looks for: a literal string, a regex, a predicate on code points, or
 * the inverse of one of those. `findMatches` returns consecutive segments that cover the whole
 * input, each flagged as a match or not, exactly like HF's `Pattern::find_matches`.
 */

/** A predicate on one code point. */
export type CharPredicate = (cp: number) => boolean;

/** Something to look for in a string. Regexes must carry the `g` flag (added when missing). */
export type Pattern = string | RegExp | CharPredicate | { invert: Pattern };

/** One segment of the input: `[start, end, isMatch]` in UTF-16 code units. */
export type Segment = [number, number, boolean];

function withGlobal(re: RegExp): RegExp {
  return re.global ? re : new RegExp(re.source, `${re.flags}g`);
}

function regexMatches(re: RegExp, s: string): Segment[] {
  const out: Segment[] = [];
  const g = withGlobal(re);
  g.lastIndex = 0;
  let prev = 0;
  for (;;) {
    const m = g.exec(s);
    if (m === null) break;
    const start = m.index;
    const end = start + m[0].length;
    if (end === start) {
      // Step over empty matches by one code point so the scan always advances.
      const c = s.charCodeAt(end);
      g.lastIndex = end + (c >= 0xd800 && c <= 0xdbff ? 2 : 1);
      if (end > s.length) break;
    }
    if (prev !== start) out.push([prev, start, false]);
    out.push([start, end, true]);
    prev = end;
  }
  if (prev !== s.length) out.push([prev, s.length, false]);
  return out;
}

function stringMatches(needle: string, s: string): Segment[] {
  const out: Segment[] = [];
  if (needle.length === 0) return [[0, s.length, false]];
  let prev = 0;
  let at = s.indexOf(needle);
  while (at !== -1) {
    if (prev !== at) out.push([prev, at, false]);
    out.push([at, at + needle.length, true]);
    prev = at + needle.length;
    at = s.indexOf(needle, prev);
  }
  if (prev !== s.length) out.push([prev, s.length, false]);
  return out;
}

function predicateMatches(pred: CharPredicate, s: string): Segment[] {
  const out: Segment[] = [];
  let prev = 0;
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    if (pred(cp)) {
      if (prev !== i) out.push([prev, i, false]);
      out.push([i, i + len, true]);
      prev = i + len;
    }
    i += len;
  }
  if (prev !== s.length) out.push([prev, s.length, false]);
  return out;
}

/** Splits `s` into match / non-match segments covering all of it. */
export function findMatches(pattern: Pattern, s: string): Segment[] {
  if (s.length === 0) return [[0, 0, false]];
  if (typeof pattern === 'string') return stringMatches(pattern, s);
  if (pattern instanceof RegExp) return regexMatches(pattern, s);
  if (typeof pattern === 'function') return predicateMatches(pattern, s);
  return findMatches(pattern.invert, s).map(([a, b, m]) => [a, b, !m]);
}

/** What happens to the delimiter when splitting (HF `SplitDelimiterBehavior`). */
export type SplitBehavior = 'Removed' | 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Contiguous';

/** All split behaviors, for validation. */
export const SPLIT_BEHAVIORS: readonly SplitBehavior[] = ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'];

/** Turns matches into the `[start, end, remove]` pieces a split keeps or drops. */
export function applyBehavior(matches: Segment[], behavior: SplitBehavior): Segment[] {
  switch (behavior) {
    case 'Isolated':
      return matches.map(([a, b]) => [a, b, false]);
    case 'Removed':
      return matches;
    case 'Contiguous': {
      const acc: Segment[] = [];
      let previous = false;
      for (const [a, b, m] of matches) {
        if (m === previous && acc.length > 0) acc[acc.length - 1][1] = b;
        else acc.push([a, b, false]);
        previous = m;
      }
      return acc;
    }
    case 'MergedWithPrevious': {
      const acc: Segment[] = [];
      let previous = false;
      for (const [a, b, m] of matches) {
        if (m && !previous && acc.length > 0) acc[acc.length - 1][1] = b;
        else acc.push([a, b, false]);
        previous = m;
      }
      return acc;
    }
    case 'MergedWithNext': {
      const acc: Segment[] = [];
      let previous = false;
      for (let i = matches.length - 1; i >= 0; i--) {
        const [a, b, m] = matches[i];
        if (m && !previous && acc.length > 0) acc[acc.length - 1][0] = a;
        else acc.push([a, b, false]);
        previous = m;
      }
      return acc.reverse();
    }
  }
}
