/**
 * Converts a SentencePiece `.model` into a tokenizer.json pipeline, as HF's `SpmConverter` does:
 * Precompiled charsmap, strip right, collapse runs of spaces, Metaspace, then Unigram with the
 * piece scores or BPE with merges read off the scores, Metaspace decoder; control and unknown
 * pieces become special added tokens, user-defined pieces plain added tokens.
 */
import { TokenizerError } from '../errors';
import { BPE } from '../models/bpe';
import { Unigram } from '../models/unigram';
import { Precompiled } from '../normalizers/precompiled';
import { Replace } from '../normalizers/replace';
import { NormalizerSequence } from '../normalizers/sequence';
import { Strip } from '../normalizers/strip';
import type { Normalizer, PostProcessor } from '../components';
import { Tokenizer } from '../pipeline/tokenizer';
import { Metaspace } from '../pre-tokenizers/metaspace';
import { ByteFallback } from '../decoders/byte-fallback';
import { MetaspaceDecoder } from '../decoders/metaspace-decoder';
import { DecoderSequence } from '../decoders/sequence';
import { parseSentencePieceModel, PieceType, type SentencePieceModel } from './sentencepiece-model';

/** Options of the conversion. */
export interface SentencePieceTokenizerOptions {
  /** Post-processor to attach (e.g. a TemplateProcessing adding `</s>`); none by default. */
  postProcessor?: PostProcessor;
}

/** Builds a Tokenizer from a parsed (or raw) SentencePiece Unigram or BPE model. */
export function fromSentencePiece(model: SentencePieceModel | Uint8Array, o: SentencePieceTokenizerOptions = {}): Tokenizer {
  const spm = model instanceof Uint8Array ? parseSentencePieceModel(model) : model;
  if (spm.modelType !== 1 && spm.modelType !== 2) {
    throw new TokenizerError('E_UNSUPPORTED', `SentencePiece model: only Unigram (type 1) and BPE (type 2) models can be converted, got type ${spm.modelType}`);
  }
  const tokenizer = new Tokenizer(
    spm.modelType === 2
      ? bpeModel(spm)
      : new Unigram(
          spm.pieces.map((p) => [p.piece, p.score]),
          spm.unkId >= 0 ? spm.unkId : null,
          spm.byteFallback,
        ),
  );
  const steps: Normalizer[] = [];
  if (spm.normalizer.precompiledCharsmap.length > 0) steps.push(new Precompiled(spm.normalizer.precompiledCharsmap));
  if (spm.normalizer.removeExtraWhitespaces) steps.push(new Strip(false, true), new Replace({ Regex: ' {2,}' }, '\u2581'));
  tokenizer.normalizer = new NormalizerSequence(steps);
  const scheme = spm.normalizer.addDummyPrefix ? 'always' : 'never';
  tokenizer.preTokenizer = new Metaspace({ replacement: '\u2581', prepend_scheme: scheme });
  const metaspace = new MetaspaceDecoder('\u2581', scheme);
  tokenizer.decoder = spm.byteFallback ? new DecoderSequence([new ByteFallback(), metaspace]) : metaspace;
  if (o.postProcessor) tokenizer.postProcessor = o.postProcessor;
  const special = spm.pieces.filter((p) => p.type === PieceType.CONTROL || p.type === PieceType.UNKNOWN).map((p) => p.piece);
  const user = spm.pieces.filter((p) => p.type === PieceType.USER_DEFINED).map((p) => ({ content: p.piece, normalized: false }));
  tokenizer.addSpecialTokens(special);
  if (user.length) tokenizer.addTokens(user);
  return tokenizer;
}

/**
 * The BPE model HF builds from a SentencePiece BPE model. SentencePiece has no merges list: it
 * merges the adjacent pair whose concatenation has the highest score. The equivalent merges list
 * has every split of every mergeable piece into two pieces, ordered by the merged piece's score
 * (then its id, then the halves' ids). It differs from SentencePiece only where two different
 * pieces have equal scores, or where a merge goes through an UNUSED piece.
 */
function bpeModel(spm: SentencePieceModel): BPE {
  const vocab = new Map<string, number>();
  spm.pieces.forEach((p, id) => vocab.has(p.piece) || vocab.set(p.piece, id));
  const candidates: { pair: [string, string]; score: number; id: number; left: number; right: number }[] = [];
  spm.pieces.forEach((p, id) => {
    const mergeable = p.type === PieceType.NORMAL || p.type === PieceType.USER_DEFINED || p.type === PieceType.UNUSED;
    if (!mergeable || vocab.get(p.piece) !== id) return;
    const chars = [...p.piece];
    for (let k = 1; k < chars.length; k++) {
      const l = chars.slice(0, k).join('');
      const r = chars.slice(k).join('');
      const left = vocab.get(l);
      const right = vocab.get(r);
      if (left !== undefined && right !== undefined) candidates.push({ pair: [l, r], score: p.score, id, left, right });
    }
  });
  candidates.sort((a, b) => b.score - a.score || a.id - b.id || a.left - b.left || a.right - b.right);
  const unk = spm.unkId >= 0 ? (spm.pieces[spm.unkId]?.piece ?? null) : null;
  return new BPE(
    vocab,
    candidates.map((c) => c.pair),
    { unk_token: unk, fuse_unk: true, byte_fallback: spm.byteFallback },
  );
}
