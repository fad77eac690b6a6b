/**
 * ByteLevel pre-tokenizer (GPT-2, RoBERTa): optionally adds a leading space, splits with the
 * GPT-2 regex, then rewrites each split as one visible character per UTF-8 byte. Every byte
 * character aligns with the original character it came from.
 */
import type { PreTokenizer } from '../components';
import type { JsonReader } from '../json-reader';
import type { NormalizedString } from '../normalized-string';
import type { PreTokenizedString } from '../pre-tokenized-string';
import { compileRegex } from '../regex';
import { BYTE_TO_CHAR } from './byte-level-alphabet';

/** The GPT-2 split pattern. */
export const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
const encoder = new TextEncoder();

/** Options shared by the ByteLevel pre-tokenizer, post-processor and decoder. */
export interface ByteLevelOptions {
  add_prefix_space?: boolean;
  trim_offsets?: boolean;
  use_regex?: boolean;
}

/** Reads the shared ByteLevel options. */
export function readByteLevelOptions(r: JsonReader): Required<ByteLevelOptions> {
  return {
    add_prefix_space: r.bool('add_prefix_space', true),
    trim_offsets: r.bool('trim_offsets', true),
    use_regex: r.bool('use_regex', true),
  };
}

/** Rewrites a split into byte-level characters, aligned to the source characters. */
export function byteLevelTransform(n: NormalizedString): void {
  const text = n.normalized;
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 127) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    // One byte per character: same shape, so the alignment carries over unchanged.
    let out = '';
    for (let i = 0; i < text.length; i++) out += BYTE_TO_CHAR[text.charCodeAt(i)];
    n.replaceSameShape(out);
    return;
  }
  const chars: string[] = [];
  const changes: number[] = [];
  for (const ch of text) {
    const bytes = encoder.encode(ch);
    for (let k = 0; k < bytes.length; k++) {
      chars.push(BYTE_TO_CHAR[bytes[k]]);
      changes.push(k === 0 ? 0 : 1);
    }
  }
  n.transform(chars, changes);
}

/** Byte-level pre-tokenization of GPT-2. */
export class ByteLevel implements PreTokenizer {
  readonly addPrefixSpace: boolean;
  readonly trimOffsets: boolean;
  readonly useRegex: boolean;

  constructor(o: ByteLevelOptions = {}) {
    this.addPrefixSpace = o.add_prefix_space ?? true;
    this.trimOffsets = o.trim_offsets ?? true;
    this.useRegex = o.use_regex ?? true;
  }

  /** Reads the tokenizer.json form. */
  static fromJSON(r: JsonReader): ByteLevel {
    return new ByteLevel(readByteLevelOptions(r));
  }

  preTokenize(s: PreTokenizedString): void {
    s.split((_, n) => {
      if (this.addPrefixSpace && !n.normalized.startsWith(' ')) n.prepend(' ');
      return this.useRegex ? n.split(compileRegex(GPT2_PATTERN), 'Isolated') : [n]; // cached after the first call
    });
    s.normalize(byteLevelTransform);
  }

  toJSON() {
    return { type: 'ByteLevel', add_prefix_space: this.addPrefixSpace, trim_offsets: this.trimOffsets, use_regex: this.useRegex };
  }
}
