/**
 * Node-only helpers (`@graft/tokenizers/node`): load a tokenizer from a model directory in any of
 * the formats HF ships, and save tokenizer.json atomically (temporary file, then rename, so a
 * crash never leaves a half-written file).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TokenizerError } from './errors';
import { fromSentencePiece } from './loaders/sentencepiece-tokenizer';
import { fromVocabMerges } from './loaders/vocab-merges';
import { fromVocabTxt } from './loaders/vocab-txt';
import { Tokenizer } from './pipeline/tokenizer';

/** Reads a JSON file if it exists. */
function readJsonIfAny(path: string): Record<string, unknown> | null {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : null;
}

/** Content of a special token entry, which may be a string or `{content}`. */
function tokenContent(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && 'content' in v) return String((v as { content: unknown }).content);
  return undefined;
}

/**
 * Loads the tokenizer of a model directory: tokenizer.json if present, else vocab.txt (+
 * tokenizer_config.json), else vocab.json + merges.txt (RoBERTa-style `<s> … </s>` when the
 * special tokens map says so), else a SentencePiece `spiece.model` / `sentencepiece.bpe.model`.
 */
export function loadTokenizer(dir: string): Tokenizer {
  const file = (name: string) => join(dir, name);
  if (existsSync(file('tokenizer.json'))) return Tokenizer.fromJSON(readFileSync(file('tokenizer.json'), 'utf8'));
  const config = readJsonIfAny(file('tokenizer_config.json'));
  if (existsSync(file('vocab.txt'))) return fromVocabTxt(readFileSync(file('vocab.txt'), 'utf8'), config ?? {});
  if (existsSync(file('vocab.json')) && existsSync(file('merges.txt'))) {
    const specials = readJsonIfAny(file('special_tokens_map.json')) ?? {};
    const cls = tokenContent(specials.cls_token);
    const tokens = Object.values(specials).map(tokenContent).filter((t): t is string => t !== undefined);
    return fromVocabMerges(readFileSync(file('vocab.json'), 'utf8'), readFileSync(file('merges.txt'), 'utf8'), {
      postProcessor: cls ? 'roberta' : 'byte-level',
      bos: cls,
      eos: tokenContent(specials.sep_token),
      addPrefixSpace: config?.add_prefix_space === true,
      specialTokens: [...new Set(tokens)],
    });
  }
  for (const name of ['spiece.model', 'sentencepiece.bpe.model', 'tokenizer.model']) {
    if (existsSync(file(name))) return fromSentencePiece(new Uint8Array(readFileSync(file(name))));
  }
  throw new TokenizerError('E_FORMAT', `${dir}: no tokenizer.json, vocab.txt, vocab.json + merges.txt or SentencePiece model found`);
}

/** Writes `tokenizer` as tokenizer.json at `path` atomically. */
export function saveTokenizer(tokenizer: Tokenizer, path: string, pretty = true): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, tokenizer.toString(pretty));
  renameSync(tmp, path);
}
