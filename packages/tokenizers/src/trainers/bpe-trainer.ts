/**
 * BPE training, following HF's `BpeTrainer`: special tokens first, then the alphabet (optionally
 * limited to the most frequent characters), then repeatedly the most frequent adjacent pair is
 * merged (ties: the smaller pair of ids) until the vocabulary is full or no pair reaches
 * `minFrequency`. A lazy max-heap keeps each step cheap.
 */
import { BinaryHeap } from '../binary-heap';
import { BPE } from '../models/bpe';
import { PAIR_BASE, pairKey } from '../models/bpe-word';
import type { Tokenizer } from '../pipeline/tokenizer';
import { countWords } from './word-counts';

/** Options of BPE training (HF `BpeTrainer` arguments). */
export interface BpeTrainerOptions {
  vocabSize?: number;
  minFrequency?: number;
  specialTokens?: string[];
  limitAlphabet?: number | null;
  initialAlphabet?: string[];
  continuingSubwordPrefix?: string | null;
  endOfWordSuffix?: string | null;
  /** Maximum length (in characters) of a learned token. */
  maxTokenLength?: number | null;
}

/** What training produced. */
export interface BpeTrainingResult {
  vocab: Map<string, number>;
  merges: [string, string][];
}

/** A (count, pair) candidate: the most frequent pair first, then the smaller pair of ids. */
interface Candidate {
  count: number;
  a: number;
  b: number;
}

const key = pairKey;
const candidate = (count: number, k: number): Candidate => ({ count, a: Math.floor(k / PAIR_BASE), b: k % PAIR_BASE });
// A min-heap on (−count, pair key): pair keys order as (a, b) since ids stay below 2^26.
const push = (heap: BinaryHeap<Candidate>, c: Candidate) => heap.push(-c.count, key(c.a, c.b), c);

/** Learns a BPE vocabulary and merges from word counts. */
export function trainBpeFromCounts(counts: Map<string, number>, o: BpeTrainerOptions = {}): BpeTrainingResult {
  const vocabSize = o.vocabSize ?? 30000;
  const minFrequency = o.minFrequency ?? 0;
  const prefix = o.continuingSubwordPrefix ?? '';
  const suffix = o.endOfWordSuffix ?? '';
  const tokens: string[] = [];
  const ids = new Map<string, number>();
  const add = (t: string) => {
    let id = ids.get(t);
    if (id === undefined) {
      id = tokens.length;
      tokens.push(t);
      ids.set(t, id);
    }
    return id;
  };
  for (const t of o.specialTokens ?? []) add(t);

  // Alphabet: character frequencies over all words; the initial alphabet is always kept.
  const charFreq = new Map<string, number>();
  for (const [w, n] of counts) for (const ch of w) charFreq.set(ch, (charFreq.get(ch) ?? 0) + n);
  for (const ch of o.initialAlphabet ?? []) charFreq.set(ch, Number.MAX_SAFE_INTEGER);
  let alphabet = [...charFreq.entries()];
  if (o.limitAlphabet != null && alphabet.length > o.limitAlphabet) {
    alphabet.sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
    alphabet = alphabet.slice(0, o.limitAlphabet);
  }
  const kept = new Set(alphabet.map(([ch]) => ch));
  for (const ch of [...kept].sort((x, y) => x.codePointAt(0)! - y.codePointAt(0)!)) add(ch);

  // Words as symbol ids; characters outside the kept alphabet are dropped, as HF does.
  const words: number[][] = [];
  const freqs: number[] = [];
  for (const [w, n] of counts) {
    const chars = [...w];
    const symbols: number[] = [];
    chars.forEach((ch, i) => {
      if (!kept.has(ch)) return;
      let s = ch;
      if (i > 0) s = prefix + s;
      if (i === chars.length - 1) s = s + suffix;
      symbols.push(add(s));
    });
    words.push(symbols);
    freqs.push(n);
  }

  const pairCount = new Map<number, number>();
  const where = new Map<number, Set<number>>();
  const note = (a: number, b: number, w: number, delta: number) => {
    const k = key(a, b);
    pairCount.set(k, (pairCount.get(k) ?? 0) + delta * freqs[w]);
    if (delta > 0) {
      let s = where.get(k);
      if (!s) where.set(k, (s = new Set()));
      s.add(w);
    }
  };
  words.forEach((sym, w) => {
    for (let i = 0; i + 1 < sym.length; i++) note(sym[i], sym[i + 1], w, 1);
  });
  const heap = new BinaryHeap<Candidate>();
  for (const [k, count] of pairCount) push(heap, candidate(count, k));

  const merges: [string, string][] = [];
  while (tokens.length < vocabSize && heap.size > 0) {
    const top = heap.pop()!;
    const current = pairCount.get(key(top.a, top.b)) ?? 0;
    if (current !== top.count) {
      if (current > 0) push(heap, { count: current, a: top.a, b: top.b });
      continue;
    }
    if (top.count < minFrequency || top.count <= 0) break;
    const left = tokens[top.a];
    const right = tokens[top.b];
    const merged = left + (prefix && right.startsWith(prefix) ? right.slice(prefix.length) : right);
    if (o.maxTokenLength != null && [...merged].length > o.maxTokenLength) {
      pairCount.delete(key(top.a, top.b));
      continue;
    }
    const newId = add(merged);
    merges.push([left, right]);
    const touched = new Set<number>();
    for (const w of where.get(key(top.a, top.b)) ?? []) {
      const sym = words[w];
      for (let i = 0; i + 1 < sym.length; i++) {
        if (sym[i] !== top.a || sym[i + 1] !== top.b) continue;
        if (i > 0) note(sym[i - 1], sym[i], w, -1), touched.add(key(sym[i - 1], sym[i]));
        if (i + 2 < sym.length) note(sym[i + 1], sym[i + 2], w, -1), touched.add(key(sym[i + 1], sym[i + 2]));
        sym.splice(i, 2, newId);
        if (i > 0) note(sym[i - 1], newId, w, 1), touched.add(key(sym[i - 1], newId));
        if (i + 1 < sym.length) note(newId, sym[i + 1], w, 1), touched.add(key(newId, sym[i + 1]));
      }
    }
    pairCount.delete(key(top.a, top.b));
    where.delete(key(top.a, top.b));
    for (const k of touched) {
      const c = pairCount.get(k) ?? 0;
      if (c > 0) push(heap, candidate(c, k));
    }
  }
  return { vocab: ids, merges };
}

/** Trains a BPE model for `tokenizer` on `texts` (HF `BpeTrainer`). */
export class BpeTrainer {
  constructor(readonly options: BpeTrainerOptions = {}) {}

  /** Learns from `texts` and installs the new model and special tokens in `tokenizer`. */
  train(tokenizer: Tokenizer, texts: Iterable<string>): BPE {
    const { vocab, merges } = trainBpeFromCounts(countWords(tokenizer, texts), this.options);
    const model = new BPE(vocab, merges, {
      continuing_subword_prefix: this.options.continuingSubwordPrefix ?? null,
      end_of_word_suffix: this.options.endOfWordSuffix ?? null,
    });
    tokenizer.model = model;
    if (this.options.specialTokens?.length) tokenizer.addSpecialTokens(this.options.specialTokens);
    return model;
  }
}
