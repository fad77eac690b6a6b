/**
 * SentencePiece's BPE segmentation of a normalized string, rule for rule: the text starts as one
 * symbol per character (a user-defined symbol is one frozen symbol that never merges); every
 * adjacent pair whose concatenation is a piece is a candidate; the candidate with the highest
 * piece score merges first, the leftmost one on ties; merging creates new candidates with the
 * neighbours. Merges may pass through UNUSED pieces, which are split back into the two symbols
 * they were made from at the end. Unlike HF's BPE, there is no merges list: scores order the
 * merges, and the whole string is one word.
 */
import { BinaryHeap } from '../binary-heap';
import { Trie } from '../models/trie';
import { isHighSurrogate, isLowSurrogate } from '../unicode';
import { PieceType, type SentencePieceModel } from './sentencepiece-model';

/** A merge candidate: symbols `left` and `right`, giving a piece of `size` code units. */
interface Candidate {
  left: number;
  right: number;
  score: number;
  size: number;
}

/** SentencePiece BPE over a model's pieces. */
export class SentencePieceBpe {
  // Pieces a merge may produce (NORMAL, USER_DEFINED, UNUSED), and the rest (control, unknown,
  // byte), which SentencePiece keeps apart so that merging can never produce them.
  private readonly mergeable = new Map<string, number>();
  private readonly reserved = new Map<string, number>();
  private readonly userDefined = new Trie();
  private readonly hasUserDefined: boolean;

  constructor(private readonly model: SentencePieceModel) {
    model.pieces.forEach((p, id) => {
      const normal = p.type === PieceType.NORMAL || p.type === PieceType.USER_DEFINED || p.type === PieceType.UNUSED;
      const map = normal ? this.mergeable : this.reserved;
      if (!map.has(p.piece)) map.set(p.piece, id);
      if (p.type === PieceType.USER_DEFINED) this.userDefined.insert(p.piece, id);
    });
    this.hasUserDefined = model.pieces.some((p) => p.type === PieceType.USER_DEFINED);
  }

  /** Id of a piece as SentencePiece looks it up: reserved pieces first, then the unknown id. */
  pieceToId(piece: string): number {
    return this.reserved.get(piece) ?? this.mergeable.get(piece) ?? this.model.unkId;
  }

  /** Segments a normalized string into `[piece, id]` pairs (unknown characters get the unknown id). */
  encode(text: string): [string, number][] {
    const start: number[] = [];
    const len: number[] = [];
    const frozen: boolean[] = [];
    for (let i = 0; i < text.length; ) {
      let n = 0;
      if (this.hasUserDefined) this.userDefined.prefixes(text, i, (_, end) => (n = end - i));
      const user = n > 0;
      if (!user) n = i + 1 < text.length && isSurrogatePair(text, i) ? 2 : 1;
      start.push(i);
      len.push(n);
      frozen.push(user);
      i += n;
    }
    const count = start.length;
    if (count === 0) return [];
    const prev = Array.from({ length: count }, (_, i) => i - 1);
    const next = Array.from({ length: count }, (_, i) => (i + 1 < count ? i + 1 : -1));
    // Highest score first, then the leftmost: a min-heap on (−score, left).
    const agenda = new BinaryHeap<Candidate>();
    // Pieces made through UNUSED pieces, remembered so they can be split back at the end.
    const unmerge = new Map<string, [string, string]>();
    const piece = (i: number) => text.slice(start[i], start[i] + len[i]);
    const consider = (left: number, right: number) => {
      if (left < 0 || right < 0 || frozen[left] || frozen[right]) return;
      const merged = text.slice(start[left], start[left] + len[left] + len[right]);
      const id = this.mergeable.get(merged);
      if (id === undefined) return;
      const p = this.model.pieces[id];
      agenda.push(-p.score, left, { left, right, score: p.score, size: merged.length });
      if (p.type === PieceType.UNUSED) unmerge.set(merged, [piece(left), piece(right)]);
    };
    for (let i = 1; i < count; i++) consider(i - 1, i);
    for (let top = agenda.pop(); top !== undefined; top = agenda.pop()) {
      const { left, right } = top;
      // A candidate is stale once either symbol took part in another merge, which always
      // changes a length (a symbol merged into its left neighbour has length 0).
      if (len[left] === 0 || len[right] === 0 || len[left] + len[right] !== top.size) continue;
      len[left] += len[right];
      len[right] = 0;
      next[left] = next[right];
      if (next[right] >= 0) prev[next[right]] = left;
      consider(prev[left], left);
      consider(left, next[left]);
    }
    const out: [string, number][] = [];
    const emit = (w: string) => {
      const id = this.pieceToId(w);
      const split = this.model.pieces[id]?.type === PieceType.UNUSED ? unmerge.get(w) : undefined;
      if (split === undefined) out.push([w, id]);
      else emit(split[0]), emit(split[1]);
    };
    for (let i = 0; i !== -1; i = next[i]) emit(piece(i));
    return out;
  }
}

function isSurrogatePair(s: string, i: number): boolean {
  return isHighSurrogate(s.charCodeAt(i)) && isLowSurrogate(s.charCodeAt(i + 1));
}
