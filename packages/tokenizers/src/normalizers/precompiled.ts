/**
 * Precompiled normalizer: applies a SentencePiece charsmap the way HF `tokenizers` does, grapheme
 * by grapheme (whole grapheme first when it is under 6 UTF-8 bytes, else each character).
 */
import type { Normalizer } from '../components';
import type { JsonReader } from '../json-reader';
import { pushReplacement, type NormalizedString } from '../normalized-string';
import { utf8Length } from '../unicode';
import { forEachGrapheme } from './graphemes';
import { base64ToBytes, bytesToBase64, PrecompiledCharsmap } from './precompiled-charsmap';

function utf8Size(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const cp = s.codePointAt(i)!;
    if (cp > 0xffff) i++;
    n += utf8Length(cp);
  }
  return n;
}

/** Normalizer driven by a SentencePiece precompiled charsmap. */
export class Precompiled implements Normalizer {
  /** @internal the parsed charsmap; `toJSON()` gives its bytes back as base64 */
  readonly charsmap: PrecompiledCharsmap;

  constructor(bytes: Uint8Array) {
    this.charsmap = new PrecompiledCharsmap(bytes);
  }

  /** Reads the tokenizer.json form (`precompiled_charsmap` is base64). */
  static fromJSON(r: JsonReader): Precompiled {
    return new Precompiled(base64ToBytes(r.string('precompiled_charsmap')));
  }

  normalize(s: NormalizedString): void {
    const text = s.normalized;
    const chars: string[] = [];
    const changes: number[] = [];
    let modified = false;
    forEachGrapheme(text, (start, end) => {
      if (end - start === 1) {
        // One code unit (most text): the grapheme is the character, under 6 UTF-8 bytes.
        const ch = text[start];
        const norm = this.charsmap.transform(ch);
        if (norm === null) {
          chars.push(ch);
          changes.push(0);
        } else {
          modified = true;
          pushReplacement(chars, changes, 1, [...norm]);
        }
        return;
      }
      const g = text.slice(start, end);
      if (utf8Size(g) < 6) {
        const norm = this.charsmap.transform(g);
        if (norm !== null) {
          modified = true;
          pushReplacement(chars, changes, [...g].length, [...norm]);
          return;
        }
      }
      for (const ch of g) {
        const norm = this.charsmap.transform(ch);
        if (norm !== null) {
          modified = true;
          pushReplacement(chars, changes, 1, [...norm]);
        } else {
          chars.push(ch);
          changes.push(0);
        }
      }
    });
    if (modified) s.transform(chars, changes);
  }

  toJSON() {
    return { type: 'Precompiled', precompiled_charsmap: bytesToBase64(this.charsmap.bytes) };
  }
}
