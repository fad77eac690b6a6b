/**
 * SentencePiece's precompiled normalization map: a Darts double-array trie over UTF-8 byte
 * strings whose values index NUL-terminated replacement strings. The blob layout is
 * `u32 trie byte size (little-endian) | trie units (u32 each) | replacement strings`.
 */
import { TokenizerError } from '../errors';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A parsed precompiled charsmap with prefix lookups. */
export class PrecompiledCharsmap {
  private readonly units: Uint32Array;
  private readonly strings: Uint8Array;
  private readonly decoded = new Map<number, string>();
  // Single code points are by far the most common chunk; caching their answer saves a UTF-8
  // encode (an allocation) per character. At most 65,536 entries (a few MB).
  private readonly charCache = new Map<number, string | null>();

  constructor(readonly bytes: Uint8Array) {
    if (bytes.length < 4) throw new TokenizerError('E_FORMAT', 'Precompiled: precompiled_charsmap is shorter than its 4-byte header');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const trieSize = view.getUint32(0, true);
    if (trieSize % 4 !== 0 || 4 + trieSize > bytes.length) {
      throw new TokenizerError('E_FORMAT', `Precompiled: precompiled_charsmap declares a trie of ${trieSize} bytes but holds ${bytes.length - 4}`);
    }
    this.units = new Uint32Array(trieSize / 4);
    for (let i = 0; i < this.units.length; i++) this.units[i] = view.getUint32(4 + i * 4, true);
    this.strings = bytes.subarray(4 + trieSize);
  }

  /** Values of every trie key that is a prefix of `key[start..end)`, shortest first, with lengths. */
  prefixMatches(key: Uint8Array, start: number, end: number): { value: number; length: number }[] {
    const out: { value: number; length: number }[] = [];
    const units = this.units;
    if (units.length === 0) return out;
    let pos = 0;
    let unit = units[pos];
    pos ^= offsetOf(unit);
    for (let i = start; i < end; i++) {
      const c = key[i];
      if (c === 0) break;
      pos ^= c;
      unit = units[pos];
      if (unit === undefined || (unit & 0x800000ff) !== c) return out;
      pos ^= offsetOf(unit);
      if ((unit >>> 8) & 1) out.push({ value: units[pos] & 0x7fffffff, length: i - start + 1 });
    }
    return out;
  }

  /** The replacement string stored at `value`. */
  replacementAt(value: number): string {
    let s = this.decoded.get(value);
    if (s === undefined) {
      let end = value;
      while (end < this.strings.length && this.strings[end] !== 0) end++;
      s = decoder.decode(this.strings.subarray(value, end));
      this.decoded.set(value, s);
    }
    return s;
  }

  /**
   * HF's `Precompiled::transform`: the replacement of the SHORTEST key that prefixes `chunk`, or
   * null. (Only whole-chunk semantics were intended upstream; HF keeps this quirk, and so do we.)
   */
  transform(chunk: string): string | null {
    const cp = chunk.codePointAt(0);
    if (cp !== undefined && chunk.length === (cp > 0xffff ? 2 : 1)) {
      let hit = this.charCache.get(cp);
      if (hit === undefined) {
        hit = this.transformBytes(encoder.encode(chunk));
        if (this.charCache.size < 65_536) this.charCache.set(cp, hit);
      }
      return hit;
    }
    return this.transformBytes(encoder.encode(chunk));
  }

  private transformBytes(bytes: Uint8Array): string | null {
    const hits = this.prefixMatches(bytes, 0, bytes.length);
    return hits.length === 0 ? null : this.replacementAt(hits[0].value);
  }
}

function offsetOf(unit: number): number {
  return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
}

/** Decodes standard base64 (as tokenizer.json stores the charsmap); atob works in browsers too. */
export function base64ToBytes(b64: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(b64);
  } catch {
    throw new TokenizerError('E_FORMAT', 'Precompiled: precompiled_charsmap is not valid base64');
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Encodes bytes as standard base64. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunks of 4096 arguments keep the spread far below the engine's argument limit.
  for (let i = 0; i < bytes.length; i += 0x1000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x1000));
  return btoa(binary);
}
