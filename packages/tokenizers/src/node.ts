/**
 * Node-only helpers (`@graft/tokenizers/node`): load a tokenizer from a model directory in any of
 * the formats HF ships, and save tokenizer.json atomically (temporary file, fsync, rename, so a
 * crash never leaves a half-written file; temporaries of killed writes are cleaned up). Every
 * failure is a TokenizerError that names the file: E_IO for the file system, E_JSON with line
 * and column for malformed JSON, and the loaders' own codes prefixed with the file's path.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileError, writeFileAtomicSync } from './atomic-write';
import { TokenizerError } from './errors';
import { parseJson } from './json-text';
import { fromSentencePiece } from './loaders/sentencepiece-tokenizer';
import { fromVocabMerges } from './loaders/vocab-merges';
import { fromVocabTxt } from './loaders/vocab-txt';
import { Tokenizer } from './pipeline/tokenizer';

/** Reads a text file, with E_IO naming it on failure. */
function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw fileError(e, path, 'loadTokenizer', 'read');
  }
}

/** Runs `load` on the contents of `path`, prefixing its errors with the path. */
function fromFile<T>(path: string, load: () => T): T {
  try {
    return load();
  } catch (e) {
    if (e instanceof TokenizerError && e.code !== 'E_IO' && e.code !== 'E_JSON') throw new TokenizerError(e.code, `${path}: ${e.message}`, { cause: e });
    throw e;
  }
}

/** Reads a JSON object file if it exists (E_JSON with the path, line and column when malformed). */
function readJsonIfAny(path: string): Record<string, unknown> | null {
  if (!existsSync(path)) return null;
  const value = parseJson(readText(path), path);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TokenizerError('E_FORMAT', `${path}: expected a JSON object`);
  return value as Record<string, unknown>;
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
  let isFolder: boolean;
  try {
    isFolder = statSync(dir).isDirectory();
  } catch (e) {
    throw fileError(e, dir, 'loadTokenizer', 'read');
  }
  if (!isFolder) throw new TokenizerError('E_IO', `loadTokenizer: "${dir}" is a file; pass the folder that holds the tokenizer files`);
  const file = (name: string) => join(dir, name);
  if (existsSync(file('tokenizer.json'))) {
    const path = file('tokenizer.json');
    const json = parseJson(readText(path), path);
    return fromFile(path, () => Tokenizer.fromJSON(json));
  }
  const config = readJsonIfAny(file('tokenizer_config.json'));
  if (existsSync(file('vocab.txt'))) {
    const vocab = readText(file('vocab.txt'));
    return fromFile(file('vocab.txt'), () => fromVocabTxt(vocab, config ?? {}));
  }
  if (existsSync(file('vocab.json')) && existsSync(file('merges.txt'))) {
    const specials = readJsonIfAny(file('special_tokens_map.json')) ?? {};
    const cls = tokenContent(specials.cls_token);
    const tokens = Object.values(specials)
      .map(tokenContent)
      .filter((t): t is string => t !== undefined);
    const vocab = readText(file('vocab.json'));
    const merges = readText(file('merges.txt'));
    return fromFile(dir, () =>
      fromVocabMerges(vocab, merges, {
        postProcessor: cls ? 'roberta' : 'byte-level',
        bos: cls,
        eos: tokenContent(specials.sep_token),
        addPrefixSpace: config?.add_prefix_space === true,
        specialTokens: [...new Set(tokens)],
      }),
    );
  }
  for (const name of ['spiece.model', 'sentencepiece.bpe.model', 'tokenizer.model']) {
    const path = file(name);
    if (!existsSync(path)) continue;
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(path));
    } catch (e) {
      throw fileError(e, path, 'loadTokenizer', 'read');
    }
    return fromFile(path, () => fromSentencePiece(bytes));
  }
  throw new TokenizerError('E_FORMAT', `${dir}: no tokenizer.json, vocab.txt, vocab.json + merges.txt or SentencePiece model found`);
}

/**
 * Writes `tokenizer` as tokenizer.json at `path` atomically: a temporary file next to it, flushed
 * to disk, then renamed over `path`. Temporary files left by killed writes of the same path are
 * removed first. Fails with E_IO naming `path` (missing folder, permissions, a folder in the way).
 */
export function saveTokenizer(tokenizer: Tokenizer, path: string, pretty = true): void {
  writeFileAtomicSync(path, tokenizer.toString(pretty), 'saveTokenizer');
}
