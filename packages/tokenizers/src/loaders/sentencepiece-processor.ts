/**
 * A faithful re-implementation of SentencePiece's own encoder for Unigram and BPE models: its
 * normalizer (longest match in the precompiled charsmap, dummy prefix, collapsing and trimming
 * whitespace, spaces escaped as "▁"), the optimized Viterbi with float32 scores (Unigram) or
 * score-ordered merges (BPE, in sentencepiece-bpe.ts), byte fallback, and the merging of runs of
 * unknown pieces. This is what `spm.encode(text)` returns, which can differ from the
 * tokenizer.json pipeline HF converts a `.model` into.
 */
import { BYTE_TOKENS } from '../byte-tokens';
import { TokenizerError } from '../errors';
import { bestPath } from '../models/lattice';
import { Trie } from '../models/trie';
import { UNK_PENALTY } from '../models/unigram';
import { PrecompiledCharsmap } from '../normalizers/precompiled-charsmap';
import { SentencePieceBpe } from './sentencepiece-bpe';
import { parseSentencePieceModel, PieceType, type SentencePieceModel } from './sentencepiece-model';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const SPACE_SYMBOL = '\u2581';

/** Result of `SentencePieceProcessor.encode`. */
export interface SentencePieceEncoding {
  ids: number[];
  pieces: string[];
}

/** SentencePiece-compatible encoder for Unigram and BPE `.model` files. */
export class SentencePieceProcessor {
  readonly model: SentencePieceModel;
  private readonly charsmap: PrecompiledCharsmap | null;
  private readonly trie = new Trie();
  private readonly userDefined = new Trie();
  private readonly pieceIds = new Map<string, number>();
  private readonly minScore: number;
  private readonly maxScore: number;
  private readonly hasUserDefined: boolean;
  private readonly bpe: SentencePieceBpe | null;

  constructor(model: SentencePieceModel) {
    if (model.modelType !== 1 && model.modelType !== 2) {
      throw new TokenizerError(
        'E_UNSUPPORTED',
        `SentencePiece model: only Unigram (type 1) and BPE (type 2) models are supported, got type ${model.modelType}`,
      );
    }
    this.model = model;
    this.bpe = model.modelType === 2 ? new SentencePieceBpe(model) : null;
    const cm = model.normalizer.precompiledCharsmap;
    this.charsmap = cm.length > 0 ? new PrecompiledCharsmap(cm) : null;
    let min = Infinity;
    let max = -Infinity;
    model.pieces.forEach((p, id) => {
      if (!this.pieceIds.has(p.piece)) this.pieceIds.set(p.piece, id);
      if (p.type === PieceType.NORMAL || p.type === PieceType.USER_DEFINED || p.type === PieceType.UNUSED) this.trie.insert(p.piece, id);
      if (p.type === PieceType.USER_DEFINED) this.userDefined.insert(p.piece, id);
      if (p.type === PieceType.NORMAL) (min = Math.min(min, p.score)), (max = Math.max(max, p.score));
    });
    this.hasUserDefined = model.pieces.some((p) => p.type === PieceType.USER_DEFINED);
    this.minScore = min;
    this.maxScore = max;
  }

  /** Loads a `.model` file's bytes. */
  static fromBytes(bytes: Uint8Array): SentencePieceProcessor {
    return new SentencePieceProcessor(parseSentencePieceModel(bytes));
  }

  /** Number of pieces. */
  get vocabSize(): number {
    return this.model.pieces.length;
  }

  /** Id of a piece, or the unknown id. */
  pieceToId(piece: string): number {
    if (this.bpe) return this.bpe.pieceToId(piece);
    return this.pieceIds.get(piece) ?? this.model.unkId;
  }

  /** Longest normalization rule (or user-defined symbol) at `pos`: [replacement, bytes consumed]. */
  private normalizePrefix(bytes: Uint8Array, pos: number): [string, number] {
    let udLen = 0;
    if (this.hasUserDefined) this.userDefined.prefixes(decodeAhead(bytes, pos), 0, (_, end) => (udLen = end));
    if (udLen > 0) {
      const text = decodeAhead(bytes, pos).slice(0, udLen);
      return [text, encoder.encode(text).length];
    }
    if (this.charsmap) {
      const hits = this.charsmap.prefixMatches(bytes, pos, bytes.length);
      if (hits.length > 0) {
        const longest = hits[hits.length - 1];
        return [this.charsmap.replacementAt(longest.value), longest.length];
      }
    }
    const n = utf8CharLength(bytes[pos]);
    return [decoder.decode(bytes.subarray(pos, pos + n)), n];
  }

  /** SentencePiece normalization of `text` (spaces escaped as "▁"). */
  normalize(text: string): string {
    const spec = this.model.normalizer;
    const bytes = encoder.encode(text);
    let pos = 0;
    if (spec.removeExtraWhitespaces) {
      while (pos < bytes.length) {
        const [s, n] = this.normalizePrefix(bytes, pos);
        if (s !== ' ') break;
        pos += n;
      }
    }
    if (pos >= bytes.length) return '';
    const space = spec.escapeWhitespaces ? SPACE_SYMBOL : ' ';
    let out = '';
    if (!this.model.treatWhitespaceAsSuffix && spec.addDummyPrefix) out += space;
    let prevSpace = spec.removeExtraWhitespaces;
    while (pos < bytes.length) {
      let [s, n] = this.normalizePrefix(bytes, pos);
      while (prevSpace && s.startsWith(' ')) s = s.slice(1);
      if (s.length > 0) {
        out += spec.escapeWhitespaces ? s.replaceAll(' ', SPACE_SYMBOL) : s;
        prevSpace = s.endsWith(' ');
      }
      pos += n;
      if (!spec.removeExtraWhitespaces) prevSpace = false;
    }
    if (spec.removeExtraWhitespaces) while (out.endsWith(space)) out = out.slice(0, -space.length);
    if (this.model.treatWhitespaceAsSuffix && spec.addDummyPrefix) out += space;
    return out;
  }

  /** Encodes text like `spm.encode(text)` (no BOS/EOS). */
  encode(text: string): SentencePieceEncoding {
    const normalized = this.normalize(text);
    const result: SentencePieceEncoding = { ids: [], pieces: [] };
    let prevUnk = false;
    for (const [piece, id] of this.bpe ? this.bpe.encode(normalized) : this.viterbi(normalized)) {
      const isUnk = id === this.model.unkId;
      if (isUnk && this.model.byteFallback) {
        for (const b of encoder.encode(piece)) {
          const bp = BYTE_TOKENS[b];
          result.pieces.push(bp);
          result.ids.push(this.pieceToId(bp));
        }
      } else if (isUnk && prevUnk) {
        result.pieces[result.pieces.length - 1] += piece; // SentencePiece merges runs of unknowns
      } else {
        result.pieces.push(piece);
        result.ids.push(id);
      }
      prevUnk = isUnk;
    }
    return result;
  }

  /** SentencePiece's optimized Viterbi (scores accumulated in float32). */
  private viterbi(s: string): [string, number][] {
    const path = bestPath(s, this.trie, {
      score: (id) => {
        const p = this.model.pieces[id];
        if (p.type === PieceType.UNUSED) return null;
        return p.type === PieceType.USER_DEFINED ? encoder.encode(p.piece).length * this.maxScore - 0.1 : p.score;
      },
      unk: { id: this.model.unkId, score: this.minScore - UNK_PENALTY },
      float32: true,
    })!;
    return path.ids.map((id, k) => [s.slice(path.starts[k], path.starts[k + 1] ?? s.length), id]);
  }

  /** Decodes ids back to text (SentencePiece's rules: "▁" → space, control pieces dropped). */
  decode(ids: readonly number[]): string {
    let text = '';
    const bytes: number[] = [];
    const flush = () => {
      if (bytes.length) text += decoder.decode(new Uint8Array(bytes));
      bytes.length = 0;
    };
    for (const id of ids) {
      const p = this.model.pieces[id];
      if (!p || p.type === PieceType.CONTROL) continue;
      if (p.type === PieceType.BYTE) {
        bytes.push(parseInt(p.piece.slice(3, 5), 16)); // BYTE pieces are <0xNN> by construction
        continue;
      }
      flush();
      text += p.type === PieceType.UNKNOWN ? ' \u2047 ' : p.piece;
    }
    flush();
    text = text.replaceAll(SPACE_SYMBOL, ' ');
    return this.model.normalizer.addDummyPrefix && text.startsWith(' ') ? text.slice(1) : text;
  }
}

function utf8CharLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

/** A short decoded look-ahead window for matching user-defined symbols. */
function decodeAhead(bytes: Uint8Array, pos: number): string {
  return decoder.decode(bytes.subarray(pos, Math.min(bytes.length, pos + 64)));
}
