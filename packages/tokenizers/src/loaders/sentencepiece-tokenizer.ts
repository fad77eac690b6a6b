/**
 * Converts a SentencePiece Unigram `.model` into a tokenizer.json pipeline, as HF's
 * `SpmConverter` does: Precompiled charsmap, strip right, collapse runs of spaces, Metaspace,
 * Unigram with the piece scores, Metaspace decoder; control and unknown pieces become special
 * added tokens, user-defined pieces plain added tokens.
 */
import { TokenizerError } from '../errors';
import { Unigram } from '../models/unigram';
import { Precompiled } from '../normalizers/precompiled';
import { Replace } from '../normalizers/replace';
import { NormalizerSequence } from '../normalizers/sequence';
import { Strip } from '../normalizers/strip';
import type { Normalizer, PostProcessor } from '../components';
import { Tokenizer } from '../pipeline/tokenizer';
import { Metaspace } from '../pre-tokenizers/metaspace';
import { MetaspaceDecoder } from '../decoders/metaspace-decoder';
import { parseSentencePieceModel, PieceType, type SentencePieceModel } from './sentencepiece-model';

/** Options of the conversion. */
export interface SentencePieceTokenizerOptions {
  /** Post-processor to attach (e.g. a TemplateProcessing adding `</s>`); none by default. */
  postProcessor?: PostProcessor;
}

/** Builds a Tokenizer from a parsed (or raw) SentencePiece Unigram model. */
export function fromSentencePiece(model: SentencePieceModel | Uint8Array, o: SentencePieceTokenizerOptions = {}): Tokenizer {
  const spm = model instanceof Uint8Array ? parseSentencePieceModel(model) : model;
  if (spm.modelType !== 1) throw new TokenizerError('E_UNSUPPORTED', `SentencePiece model: only Unigram models (type 1) can be converted, got type ${spm.modelType}`);
  const unigram = new Unigram(
    spm.pieces.map((p) => [p.piece, p.score]),
    spm.unkId >= 0 ? spm.unkId : null,
    spm.byteFallback,
  );
  const tokenizer = new Tokenizer(unigram);
  const steps: Normalizer[] = [];
  if (spm.normalizer.precompiledCharsmap.length > 0) steps.push(new Precompiled(spm.normalizer.precompiledCharsmap));
  if (spm.normalizer.removeExtraWhitespaces) steps.push(new Strip(false, true), new Replace({ Regex: ' {2,}' }, '\u2581'));
  tokenizer.normalizer = new NormalizerSequence(steps);
  const scheme = spm.normalizer.addDummyPrefix ? 'always' : 'never';
  tokenizer.preTokenizer = new Metaspace({ replacement: '\u2581', prepend_scheme: scheme });
  tokenizer.decoder = new MetaspaceDecoder('\u2581', scheme);
  if (o.postProcessor) tokenizer.postProcessor = o.postProcessor;
  const special = spm.pieces.filter((p) => p.type === PieceType.CONTROL || p.type === PieceType.UNKNOWN).map((p) => p.piece);
  const user = spm.pieces.filter((p) => p.type === PieceType.USER_DEFINED).map((p) => ({ content: p.piece, normalized: false }));
  tokenizer.addSpecialTokens(special);
  if (user.length) tokenizer.addTokens(user);
  return tokenizer;
}
