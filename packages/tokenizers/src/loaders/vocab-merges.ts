/**
 * GPT-2 / RoBERTa classic files: `vocab.json` (token → id) and `merges.txt` (one "a b" merge per
 * line after an optional `#version` header). Builds HF's `ByteLevelBPETokenizer` pipeline, with
 * RoBERTa's `<s> … </s>` post-processor on request.
 */
import { TokenizerError } from '../errors';
import { parseJson } from '../json-text';
import { BPE, parseMerge } from '../models/bpe';
import { isTokenId, TOKEN_ID_RANGE } from '../token-id';
import { Tokenizer } from '../pipeline/tokenizer';
import { ByteLevel } from '../pre-tokenizers/byte-level';
import { ByteLevelDecoder } from '../decoders/byte-level-decoder';
import { ByteLevelProcessing } from '../processors/byte-level-processing';
import { RobertaProcessing } from '../processors/roberta-processing';

/** Parses vocab.json text into a token → id map. */
export function parseVocabJson(text: string): Map<string, number> {
  const obj = parseJson(text, 'vocab.json');
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new TokenizerError('E_FORMAT', 'vocab.json: expected an object of token → id');
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(obj)) {
    if (!isTokenId(id))
      throw new TokenizerError('E_FORMAT', `vocab.json: the id of ${JSON.stringify(token.slice(0, 40))} must be ${TOKEN_ID_RANGE}, got ${JSON.stringify(id)}`);
    vocab.set(token, id);
  }
  return vocab;
}

/** Parses merges.txt text (a `#version` line is skipped; lines split on "\n"). */
export function parseMergesTxt(text: string): [string, string][] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const merges: [string, string][] = [];
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith('#version')) return;
    merges.push(parseMerge(line, `merges.txt line ${i + 1}`));
  });
  return merges;
}

/** Options of the byte-level BPE pipeline. */
export interface ByteLevelBPEOptions {
  addPrefixSpace?: boolean;
  trimOffsets?: boolean;
  /** "roberta": `<s> A </s>` (+ `</s> B </s>`) with RoBERTa offsets; default: no special tokens. */
  postProcessor?: 'roberta' | 'byte-level';
  /** Tokens to register as special added tokens (e.g. `<s>`, `</s>`, `<mask>`). */
  specialTokens?: string[];
  bos?: string;
  eos?: string;
}

/** Builds a byte-level BPE tokenizer (GPT-2 / RoBERTa) from vocab.json and merges.txt texts. */
export function fromVocabMerges(vocabJson: string, mergesTxt: string, o: ByteLevelBPEOptions = {}): Tokenizer {
  const vocab = parseVocabJson(vocabJson);
  const tokenizer = new Tokenizer(new BPE(vocab, parseMergesTxt(mergesTxt)));
  const addPrefixSpace = o.addPrefixSpace ?? false;
  tokenizer.preTokenizer = new ByteLevel({ add_prefix_space: addPrefixSpace });
  tokenizer.decoder = new ByteLevelDecoder();
  if (o.postProcessor === 'roberta') {
    const bos = o.bos ?? '<s>';
    const eos = o.eos ?? '</s>';
    const bosId = vocab.get(bos);
    const eosId = vocab.get(eos);
    if (bosId === undefined || eosId === undefined)
      throw new TokenizerError('E_VOCAB', `vocab.json: ${bosId === undefined ? bos : eos} is not in the vocabulary`);
    tokenizer.postProcessor = new RobertaProcessing([eos, eosId], [bos, bosId], o.trimOffsets ?? true, addPrefixSpace);
  } else {
    tokenizer.postProcessor = new ByteLevelProcessing(addPrefixSpace, o.trimOffsets ?? false);
  }
  if (o.specialTokens?.length) tokenizer.addSpecialTokens(o.specialTokens);
  return tokenizer;
}
