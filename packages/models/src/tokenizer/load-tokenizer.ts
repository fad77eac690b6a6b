/**
 * The tokenizer next to a model, from the same files: tokenizer.json when there is one, else
 * vocab.txt (+ tokenizer_config.json: lower-casing, special tokens), else vocab.json + merges.txt
 * (RoBERTa-style `<s> … </s>` when the config names a cls token), else a SentencePiece model,
 * through @graft/tokenizers' loaders. tokenizer_config.json's `model_max_length` becomes the
 * truncation length (unless the tokenizer already truncates), so text longer than the model's
 * positions is cut rather than failing inside the model; its `added_tokens_decoder` flags
 * (RoBERTa's `<mask>` strips the space before it) apply to the vocab-file formats.
 */
import {
  type AddedToken,
  fromSentencePiece,
  fromVocabMerges,
  fromVocabTxt,
  type Tokenizer,
  TokenizerError,
  Tokenizer as TokenizerClass,
} from '@graft/tokenizers';
import { ModelFileError } from '../errors';
import { asModelFiles, type ModelFiles, type ModelFilesLike, readJsonObject } from '../files/model-files';

/** transformers writes this (int(1e30)) as `model_max_length` when a tokenizer has no limit. */
const NO_LIMIT = 1e18;

/** The files a tokenizer may consist of, in the order `tokenizerFiles` collects them. */
export const TOKENIZER_FILE_NAMES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'added_tokens.json',
  'vocab.txt',
  'vocab.json',
  'merges.txt',
  'spiece.model',
  'sentencepiece.bpe.model',
  'tokenizer.model',
] as const;

/** What tokenizer_config.json (and special_tokens_map.json) say beyond the tokenizer itself. */
export interface TokenizerSettings {
  /** The longest input the model takes, or null when the files set no limit. */
  modelMaxLength: number | null;
  /** Special tokens by role (`[PAD]`, `<mask>` …), where the files name them. */
  padToken: string | null;
  unkToken: string | null;
  clsToken: string | null;
  sepToken: string | null;
  maskToken: string | null;
  bosToken: string | null;
  eosToken: string | null;
  /** tokenizer_config.json as read ({} when absent). */
  config: Record<string, unknown>;
}

/** A special token entry: a string or `{ content }`. */
function content(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return null;
}

/** Reads tokenizer_config.json and special_tokens_map.json (both optional). */
export async function loadTokenizerSettings(filesLike: ModelFilesLike): Promise<TokenizerSettings> {
  const files = asModelFiles(filesLike);
  const config = (await readJsonObject(files, 'tokenizer_config.json')) ?? {};
  const map = (await readJsonObject(files, 'special_tokens_map.json')) ?? {};
  const token = (field: string) => content(config[field]) ?? content(map[field]);
  const max = config.model_max_length;
  return {
    modelMaxLength: typeof max === 'number' && Number.isSafeInteger(max) && max > 0 && max < NO_LIMIT ? max : null,
    padToken: token('pad_token'),
    unkToken: token('unk_token'),
    clsToken: token('cls_token'),
    sepToken: token('sep_token'),
    maskToken: token('mask_token'),
    bosToken: token('bos_token'),
    eosToken: token('eos_token'),
    config,
  };
}

/** Runs a @graft/tokenizers loader, naming the file in its errors. */
function fromFile<T>(files: ModelFiles, name: string, load: () => T): T {
  try {
    return load();
  } catch (e) {
    if (e instanceof TokenizerError) throw new TokenizerError(e.code, `${files.description}/${name}: ${e.message}`, { cause: e });
    throw e;
  }
}

/** Options of {@link loadTokenizer}. */
export interface LoadTokenizerOptions {
  /** Truncate to `model_max_length` (default true; only when the tokenizer does not truncate already). */
  truncation?: boolean;
}

/** Loads the tokenizer stored with a model (see the file comment). */
export async function loadTokenizer(filesLike: ModelFilesLike, opts: LoadTokenizerOptions = {}): Promise<Tokenizer> {
  const files = asModelFiles(filesLike);
  const settings = await loadTokenizerSettings(files);
  const text = async (name: string) => {
    const bytes = await files.read(name);
    return bytes ? new TextDecoder().decode(bytes) : null;
  };
  let tokenizer: Tokenizer;
  const json = await text('tokenizer.json');
  if (json !== null) {
    tokenizer = fromFile(files, 'tokenizer.json', () => TokenizerClass.fromJSON(json));
  } else {
    const vocabTxt = await text('vocab.txt');
    const [vocabJson, merges] = vocabTxt === null ? [await text('vocab.json'), await text('merges.txt')] : [null, null];
    if (vocabTxt !== null) {
      tokenizer = fromFile(files, 'vocab.txt', () => fromVocabTxt(vocabTxt, settings.config));
    } else if (vocabJson !== null && merges !== null) {
      const specials = [settings.bosToken, settings.eosToken, settings.unkToken, settings.padToken, settings.maskToken, settings.clsToken, settings.sepToken];
      tokenizer = fromFile(files, 'vocab.json', () =>
        fromVocabMerges(vocabJson, merges, {
          postProcessor: settings.clsToken ? 'roberta' : 'byte-level',
          bos: settings.clsToken ?? undefined,
          eos: settings.sepToken ?? undefined,
          addPrefixSpace: settings.config.add_prefix_space === true,
          specialTokens: [...new Set(specials.filter((t): t is string => t !== null))],
        }),
      );
    } else {
      tokenizer = await sentencePiece(files);
    }
    applyAddedTokenFlags(tokenizer, settings.config);
  }
  if ((opts.truncation ?? true) && settings.modelMaxLength !== null && !tokenizer.truncation) tokenizer.setTruncation({ maxLength: settings.modelMaxLength });
  return tokenizer;
}

/** A SentencePiece model file, or the error that lists what was looked for. */
async function sentencePiece(files: ModelFiles): Promise<Tokenizer> {
  for (const name of ['spiece.model', 'sentencepiece.bpe.model', 'tokenizer.model']) {
    const bytes = await files.read(name);
    if (bytes) return fromFile(files, name, () => fromSentencePiece(bytes));
  }
  throw new ModelFileError(
    'model_file_missing',
    'tokenizer.json',
    `no tokenizer in ${files.description}: expected tokenizer.json, vocab.txt, vocab.json + merges.txt, or a SentencePiece model`,
  );
}

/** Registers tokenizer_config.json's `added_tokens_decoder` entries with their flags (lstrip, normalized …). */
function applyAddedTokenFlags(tokenizer: Tokenizer, config: Record<string, unknown>): void {
  const decoder = config.added_tokens_decoder;
  if (!decoder || typeof decoder !== 'object') return;
  const tokens: AddedToken[] = [];
  for (const entry of Object.values(decoder as Record<string, unknown>)) {
    const c = content(entry);
    if (c === null || tokenizer.tokenToId(c) === undefined) continue;
    const e = entry as Record<string, unknown>;
    const flag = (k: string) => (typeof e[k] === 'boolean' ? (e[k] as boolean) : undefined);
    tokens.push({
      content: c,
      lstrip: flag('lstrip'),
      rstrip: flag('rstrip'),
      normalized: flag('normalized'),
      single_word: flag('single_word'),
      special: flag('special') ?? true,
    });
  }
  if (tokens.length) tokenizer.addSpecialTokens(tokens);
}

/** The tokenizer files among `files` (to save next to a checkpoint, or hand to the Trainer). */
export async function tokenizerFiles(filesLike: ModelFilesLike): Promise<Map<string, Uint8Array>> {
  const files = asModelFiles(filesLike);
  const out = new Map<string, Uint8Array>();
  for (const name of TOKENIZER_FILE_NAMES) {
    const bytes = await files.read(name);
    if (bytes) out.set(name, bytes);
  }
  return out;
}
