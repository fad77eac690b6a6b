/**
 * BERT's classic files: `vocab.txt` (one token per line, id = line number) and the flags of
 * `tokenizer_config.json` (`do_lower_case`, `strip_accents`, `tokenize_chinese_chars`). Builds
 * the same pipeline as HF's `BertWordPieceTokenizer`.
 */
import { TokenizerError } from '../errors';
import { JsonReader } from '../json-reader';
import { parseJson } from '../json-text';
import { WordPiece } from '../models/wordpiece';
import { BertNormalizer } from '../normalizers/bert-normalizer';
import { Tokenizer } from '../pipeline/tokenizer';
import { BertPreTokenizer } from '../pre-tokenizers/bert-pre-tokenizer';
import { BertProcessing } from '../processors/bert-processing';
import { WordPieceDecoder } from '../decoders/wordpiece-decoder';

const TRAILING_WS = /\p{White_Space}+$/u;

/**
 * Parses vocab.txt. Lines are split on "\n" only (vocabularies contain U+2028) and trailing
 * whitespace is trimmed, as HF's `WordPiece::read_file` does.
 */
export function parseVocabTxt(text: string): Map<string, number> {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const vocab = new Map<string, number>();
  lines.forEach((line, i) => vocab.set(line.replace(TRAILING_WS, ''), i));
  if (vocab.size === 0) throw new TokenizerError('E_FORMAT', 'vocab.txt: the file is empty');
  return vocab;
}

/** Options of a BERT WordPiece tokenizer (HF `BertWordPieceTokenizer` arguments). */
export interface BertWordPieceOptions {
  lowercase?: boolean;
  /** null: follow `lowercase`. */
  stripAccents?: boolean | null;
  handleChineseChars?: boolean;
  cleanText?: boolean;
  unkToken?: string;
  sepToken?: string;
  clsToken?: string;
  padToken?: string;
  maskToken?: string;
  wordpiecesPrefix?: string;
}

/** Reads the BERT options out of a tokenizer_config.json text or object. */
export function bertOptionsFromConfig(config: string | Record<string, unknown>): BertWordPieceOptions {
  const r = new JsonReader(typeof config === 'string' ? parseJson(config, 'tokenizer_config.json') : config, 'tokenizer_config.json');
  const token = (field: string, fallback: string) => {
    const v = r.json[field];
    if (v && typeof v === 'object' && 'content' in v) return String((v as { content: unknown }).content);
    return r.string(field, fallback);
  };
  return {
    lowercase: r.bool('do_lower_case', true),
    stripAccents: r.optionalBool('strip_accents'),
    handleChineseChars: r.bool('tokenize_chinese_chars', true),
    unkToken: token('unk_token', '[UNK]'),
    sepToken: token('sep_token', '[SEP]'),
    clsToken: token('cls_token', '[CLS]'),
    padToken: token('pad_token', '[PAD]'),
    maskToken: token('mask_token', '[MASK]'),
  };
}

/** Builds a BERT tokenizer from a vocab (see `parseVocabTxt`). */
export function bertWordPieceTokenizer(vocab: Map<string, number>, o: BertWordPieceOptions = {}): Tokenizer {
  const unk = o.unkToken ?? '[UNK]';
  const sep = o.sepToken ?? '[SEP]';
  const cls = o.clsToken ?? '[CLS]';
  const prefix = o.wordpiecesPrefix ?? '##';
  const tokenizer = new Tokenizer(new WordPiece(vocab, { unk_token: unk, continuing_subword_prefix: prefix }));
  tokenizer.normalizer = new BertNormalizer({
    clean_text: o.cleanText ?? true,
    handle_chinese_chars: o.handleChineseChars ?? true,
    strip_accents: o.stripAccents ?? null,
    lowercase: o.lowercase ?? true,
  });
  tokenizer.preTokenizer = new BertPreTokenizer();
  const sepId = vocab.get(sep);
  const clsId = vocab.get(cls);
  if (sepId === undefined || clsId === undefined) {
    throw new TokenizerError('E_VOCAB', `vocab.txt: ${sepId === undefined ? sep : cls} is not in the vocabulary`);
  }
  tokenizer.postProcessor = new BertProcessing([sep, sepId], [cls, clsId]);
  tokenizer.decoder = new WordPieceDecoder(prefix);
  const specials = [unk, sep, cls, o.padToken ?? '[PAD]', o.maskToken ?? '[MASK]'].filter((t) => vocab.has(t));
  tokenizer.addSpecialTokens(specials);
  return tokenizer;
}

/** Loads a BERT tokenizer from the text of vocab.txt (and optionally tokenizer_config.json). */
export function fromVocabTxt(vocabTxt: string, config?: string | Record<string, unknown> | BertWordPieceOptions): Tokenizer {
  const options =
    config === undefined
      ? {}
      : typeof config === 'string' || 'do_lower_case' in config || 'tokenizer_class' in config
        ? bertOptionsFromConfig(config as string | Record<string, unknown>)
        : (config as BertWordPieceOptions);
  return bertWordPieceTokenizer(parseVocabTxt(vocabTxt), options);
}
