/**
 * Added and special tokens: strings matched in the input before the model runs, so that
 * "[MASK]" or "<|endoftext|>" become one token instead of being split. Tokens with
 * `normalized: false` are matched on the raw text; the others on the normalized text, against
 * their own normalized form. Matching is leftmost-longest; `single_word`, `lstrip` and `rstrip`
 * behave as in HF (the stripped whitespace becomes part of the token's span and string).
 */
import type { Model, Normalizer } from '../components';
import { JsonReader } from '../json-reader';
import { NormalizedString } from '../normalized-string';
import { PreTokenizedString, type Split } from '../pre-tokenized-string';
import { Trie } from '../models/trie';
import { checkTokenId } from '../token-id';

/** An added token, with tokenizer.json field names. */
export interface AddedToken {
  content: string;
  single_word?: boolean;
  lstrip?: boolean;
  rstrip?: boolean;
  normalized?: boolean;
  special?: boolean;
}

/** An added token with every flag resolved and its id. */
export interface ResolvedAddedToken extends Required<AddedToken> {
  id: number;
}

const WORD_CHAR = /^[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]$/u;
const SPACE = /^\p{White_Space}$/u;

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && WORD_CHAR.test(ch);
}

/** Last code point of `s[0..end)`, if any. */
function charBefore(s: string, end: number): string | undefined {
  if (end <= 0) return undefined;
  const c = s.charCodeAt(end - 1);
  return c >= 0xdc00 && c <= 0xdfff && end >= 2 ? s.slice(end - 2, end) : s[end - 1];
}

/** Reads one entry of tokenizer.json `added_tokens`. */
export function readAddedToken(json: unknown, where: string): ResolvedAddedToken {
  const r = new JsonReader(json, where);
  const special = r.bool('special', false);
  const content = r.string('content');
  return {
    id: new JsonReader(r.json, `${where} (${JSON.stringify(content.slice(0, 40))})`).tokenId('id'),
    content,
    single_word: r.bool('single_word', false),
    lstrip: r.bool('lstrip', false),
    rstrip: r.bool('rstrip', false),
    normalized: r.bool('normalized', !special),
    special,
  };
}

interface Matcher {
  trie: Trie;
  tokens: ResolvedAddedToken[];
  firstUnits: Set<number>;
  /** Finds the next position whose code unit can start a token (a native scan). */
  firstUnitRe: RegExp | null;
}

/** The added vocabulary of a Tokenizer. */
export class AddedVocabulary {
  private byContent = new Map<string, ResolvedAddedToken>();
  private byId = new Map<number, ResolvedAddedToken>();
  private order: ResolvedAddedToken[] = [];
  private raw: Matcher = emptyMatcher();
  private normalizedMatcher: Matcher = emptyMatcher();

  /** All added tokens in insertion order. */
  get tokens(): readonly ResolvedAddedToken[] {
    return this.order;
  }

  /** Number of added tokens. */
  get size(): number {
    return this.order.length;
  }

  /** Adds tokens with known ids (as read from tokenizer.json) and rebuilds the matchers. */
  addWithIds(tokens: ResolvedAddedToken[], normalizer: Normalizer | null): void {
    for (const t of tokens) this.put(t);
    this.refresh(normalizer);
  }

  /**
   * Adds tokens, reusing the model's id when it knows the content and otherwise appending after
   * the largest id in use (HF's rule). Returns how many were new.
   */
  add(tokens: (string | AddedToken)[], special: boolean, model: Model, normalizer: Normalizer | null): number {
    let added = 0;
    for (const t of tokens) {
      const tok = typeof t === 'string' ? { content: t } : t;
      if (tok.content.length === 0) continue;
      const isSpecial = tok.special ?? special;
      const resolved: ResolvedAddedToken = {
        content: tok.content,
        single_word: tok.single_word ?? false,
        lstrip: tok.lstrip ?? false,
        rstrip: tok.rstrip ?? false,
        normalized: tok.normalized ?? !isSpecial,
        special: isSpecial,
        id: -1,
      };
      const existing = this.byContent.get(resolved.content);
      resolved.id = existing?.id ?? model.tokenToId(resolved.content) ?? this.nextId(model, resolved.content);
      if (!existing) added++;
      this.put(resolved);
    }
    this.refresh(normalizer);
    return added;
  }

  private nextId(model: Model, content: string): number {
    let max = -1;
    for (const t of this.order) max = Math.max(max, t.id);
    const size = model.vocabSize;
    const id = max >= size || size === 0 ? Math.max(max + 1, size) : size;
    return checkTokenId(id, 'addTokens', `the next free id (for ${JSON.stringify(content.slice(0, 40))})`);
  }

  private put(t: ResolvedAddedToken): void {
    const old = this.byContent.get(t.content);
    if (old) {
      this.byId.delete(old.id);
      this.order[this.order.indexOf(old)] = t;
    } else this.order.push(t);
    this.byContent.set(t.content, t);
    this.byId.set(t.id, t);
  }

  /** Rebuilds both matchers (needed when the normalizer changes). */
  refresh(normalizer: Normalizer | null): void {
    // Special tokens come first, like HF, which only matters for identical contents.
    const ordered = [...this.order.filter((t) => t.special), ...this.order.filter((t) => !t.special)];
    const raw = ordered.filter((t) => !t.normalized);
    const norm = ordered.filter((t) => t.normalized);
    this.raw = buildMatcher(
      raw.map((t) => t.content),
      raw,
    );
    const patterns = norm.map((t) => {
      const ns = new NormalizedString(t.content);
      normalizer?.normalize(ns);
      return ns.normalized;
    });
    this.normalizedMatcher = buildMatcher(patterns, norm);
  }

  /** The id of `content` if it is an added token. */
  tokenToId(content: string): number | undefined {
    return this.byContent.get(content)?.id;
  }

  /** The added token with id `id`. */
  idToToken(id: number): ResolvedAddedToken | undefined {
    return this.byId.get(id);
  }

  /** True when `content` is a special added token. */
  isSpecial(content: string): boolean {
    return this.byContent.get(content)?.special ?? false;
  }

  /** Splits out raw matches, normalizes the rest, then splits out normalized matches. */
  extractAndNormalize(normalizer: Normalizer | null, text: string): PreTokenizedString {
    const pre = new PreTokenizedString(text);
    if (this.raw.tokens.length > 0) pre.split((_, n) => this.splitWith(n, this.raw));
    pre.split((_, n) => {
      normalizer?.normalize(n);
      return this.normalizedMatcher.tokens.length > 0 ? this.splitWith(n, this.normalizedMatcher) : [n];
    });
    return pre;
  }

  private splitWith(n: NormalizedString, m: Matcher): Split[] {
    return this.findMatches(n.normalized, m).map(([token, a, b]) => {
      const slice = n.slice(a, b);
      if (!token) return { normalized: slice, tokens: null };
      const value = slice.normalized;
      return { normalized: slice, tokens: [{ id: token.id, value, offsets: [0, value.length] }] };
    });
  }

  private findMatches(s: string, m: Matcher): [ResolvedAddedToken | null, number, number][] {
    if (s.length === 0) return [[null, 0, 0]];
    const out: [ResolvedAddedToken | null, number, number][] = [];
    let startOffset = 0;
    const jump = m.firstUnitRe!;
    for (let i = 0; i < s.length; ) {
      jump.lastIndex = i;
      const next = jump.exec(s);
      if (next === null) break;
      i = next.index;
      let best = -1;
      let bestEnd = -1;
      m.trie.prefixes(s, i, (value, end) => {
        best = value;
        bestEnd = end;
      });
      if (best < 0) {
        i++;
        continue;
      }
      const token = m.tokens[best];
      let start = i;
      let stop = bestEnd;
      i = bestEnd;
      if (token.single_word) {
        const startOk = start === 0 || !isWordChar(charBefore(s, start));
        const stopOk = stop === s.length || !isWordChar(String.fromCodePoint(s.codePointAt(stop)!));
        if (!startOk || !stopOk) continue; // like Aho-Corasick, the scan resumes after the match
      }
      if (token.lstrip) {
        let k = start;
        while (k > 0 && SPACE.test(charBefore(s, k)!)) k -= charBefore(s, k)!.length;
        start = Math.max(k, startOffset);
      }
      if (token.rstrip) {
        while (stop < s.length && SPACE.test(String.fromCodePoint(s.codePointAt(stop)!))) stop += s.codePointAt(stop)! > 0xffff ? 2 : 1;
      }
      if (startOffset < start) out.push([null, startOffset, start]);
      out.push([token, start, stop]);
      startOffset = stop;
    }
    if (startOffset !== s.length) out.push([null, startOffset, s.length]);
    return out;
  }

  /** The tokenizer.json `added_tokens` array, ordered by id. */
  toJSON(): Record<string, unknown>[] {
    return [...this.order]
      .sort((a, b) => a.id - b.id)
      .map((t) => ({
        id: t.id,
        content: t.content,
        single_word: t.single_word,
        lstrip: t.lstrip,
        rstrip: t.rstrip,
        normalized: t.normalized,
        special: t.special,
      }));
  }
}

function emptyMatcher(): Matcher {
  return { trie: new Trie(), tokens: [], firstUnits: new Set(), firstUnitRe: null };
}

function buildMatcher(patterns: string[], tokens: ResolvedAddedToken[]): Matcher {
  const m = emptyMatcher();
  patterns.forEach((p, i) => {
    if (p.length === 0) return;
    m.trie.insert(p, m.tokens.length);
    m.tokens.push(tokens[i]);
    m.firstUnits.add(p.charCodeAt(0));
  });
  const units = [...m.firstUnits].map((u) => `\\u${u.toString(16).padStart(4, '0')}`).join('');
  m.firstUnitRe = units ? new RegExp(`[${units}]`, 'g') : null;
  return m;
}
