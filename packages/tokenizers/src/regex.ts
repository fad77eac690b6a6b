/**
 * Translates the Oniguruma / Rust regex syntax found in tokenizer.json files into JS regexes with
 * the `u` flag. The differences that matter in practice: `\w`, `\d`, `\s` are Unicode-aware in
 * Oniguruma but ASCII in JS; inline `(?i:...)` groups do not exist in Node 20; `\x{...}` escapes,
 * `\A`/`\z` anchors, possessive quantifiers and atomic groups need rewriting; and the `u` flag
 * rejects needless escapes such as `\'`.
 */
import { TokenizerError } from './errors';

const WORD = '\\p{L}\\p{M}\\p{Nd}\\p{Pc}';
const SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));
const CLASS_ESCAPES = new Set('dDwWsSbBnrtfv0123456789cxupPk'.split(''));

function swapCase(c: string): string {
  const l = c.toLowerCase();
  return l === c ? c.toUpperCase() : l;
}

/** Index of the `)` that closes the group opened just before `i`. */
function closingParen(src: string, i: number): number {
  let depth = 1;
  let inClass = false;
  for (let j = i; j < src.length; j++) {
    const c = src[j];
    if (c === '\\') j++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j;
  }
  throw new TokenizerError('E_BAD_FIELD', `regex ${JSON.stringify(src)}: unbalanced parenthesis`);
}

function translate(src: string, ignoreCase: boolean): string {
  let out = '';
  let inClass = false;
  let afterQuantifier = false; // a following + makes the quantifier possessive
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    const wasQuantifier: boolean = afterQuantifier;
    afterQuantifier = false;
    if (c === '\\') {
      const n = src[i + 1];
      i++;
      if (n === undefined) throw new TokenizerError('E_BAD_FIELD', `regex ${JSON.stringify(src)}: trailing backslash`);
      if (n === 'w') out += inClass ? WORD : `[${WORD}]`;
      else if (n === 'W') {
        if (inClass) throw new TokenizerError('E_UNSUPPORTED', `regex ${JSON.stringify(src)}: \\W inside a character class`);
        out += `[^${WORD}]`;
      } else if (n === 'd') out += '\\p{Nd}';
      else if (n === 'D') out += '\\P{Nd}';
      else if (n === 's') out += '\\p{White_Space}';
      else if (n === 'S') out += '\\P{White_Space}';
      else if (n === 'h') out += inClass ? '0-9a-fA-F' : '[0-9a-fA-F]';
      else if (n === 'A') out += '^';
      else if (n === 'z') out += '$';
      else if (n === 'Z') out += '(?=\\n?$)';
      else if (n === 'x' && src[i + 1] === '{') {
        const end = src.indexOf('}', i);
        out += `\\u{${src.slice(i + 2, end)}}`;
        i = end;
      } else if ((n === 'p' || n === 'P') && src[i + 1] === '{') {
        const end = src.indexOf('}', i);
        out += propertyEscape(n, src.slice(i + 2, end));
        i = end;
      } else if (SYNTAX.has(n) || CLASS_ESCAPES.has(n) || (inClass && n === '-')) {
        out += '\\' + n;
      } else {
        out += n; // a needless escape such as \' that the `u` flag rejects
      }
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      if (ignoreCase && /[a-zA-Z]/.test(c) && src[i + 1] !== '-') out += swapCase(c);
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') out += '\\' + src[++i]; // a literal ] first in a class
      continue;
    }
    if (c === '(' && src.startsWith('(?i:', i)) {
      const close = closingParen(src, i + 4);
      out += '(?:' + translate(src.slice(i + 4, close), true) + ')';
      i = close;
      continue;
    }
    if (c === '(' && src.startsWith('(?>', i)) {
      out += '(?:'; // atomic group: JS has none; the plain group matches the same strings here
      i += 2;
      continue;
    }
    if (c === '+' && wasQuantifier) continue; // possessive: JS has none; the greedy form is close
    if (c === '*' || c === '+' || c === '?') {
      out += c;
      afterQuantifier = c !== '?' || !wasQuantifier;
      continue;
    }
    const counted = c === '{' ? /^\{\d+(,\d*)?\}/.exec(src.slice(i)) : null;
    if (counted) {
      out += counted[0];
      i += counted[0].length - 1;
      afterQuantifier = true;
      continue;
    }
    if (ignoreCase && /[a-zA-Z]/.test(c)) {
      out += `[${c}${swapCase(c)}]`;
      continue;
    }
    out += c;
  }
  return out;
}

function propertyEscape(kind: string, name: string): string {
  for (const candidate of [name, `Script=${name}`]) {
    try {
      new RegExp(`\\p{${candidate}}`, 'u');
      return `\\${kind}{${candidate}}`;
    } catch {
      // try the next spelling
    }
  }
  throw new TokenizerError('E_UNSUPPORTED', `regex property \\${kind}{${name}} is not supported`);
}

const cache = new Map<string, RegExp>();

/** Compiles an Oniguruma-style pattern from tokenizer.json to a global Unicode JS regex. */
export function compileRegex(source: string): RegExp {
  let re = cache.get(source);
  if (re) return re;
  const translated = translate(source, false);
  try {
    re = new RegExp(translated, 'gu');
  } catch (e) {
    // Either the pattern is invalid or it uses Oniguruma syntax with no JS equivalent.
    throw new TokenizerError('E_BAD_FIELD', `regex ${JSON.stringify(source)} is invalid or has no JS equivalent (${(e as Error).message})`);
  }
  cache.set(source, re);
  return re; // shared: every user resets lastIndex before scanning
}
