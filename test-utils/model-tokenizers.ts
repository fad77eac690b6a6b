/**
 * The fixture models (`assets/fixtures/models/*`) are small randomly initialised checkpoints with
 * a 1,024-token vocabulary and no tokenizer files. Tests that run them end to end on text (the
 * CLI's train/eval/predict) need a tokenizer whose ids fit: this trains one on SST-2 sentences
 * (WordPiece with BERT's specials for BERT and DistilBERT, byte-level BPE with RoBERTa's `<s>`,
 * `<pad>`, `</s>` at the ids the fixture's config names) and writes it beside a copy of the model.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BertNormalizer,
  BertPreTokenizer,
  BpeTrainer,
  ByteLevel,
  ByteLevelDecoder,
  byteLevelAlphabet,
  RobertaProcessing,
  TemplateProcessing,
  Tokenizer,
  WordLevel,
  WordPieceDecoder,
  WordPieceTrainer,
} from '@graft/tokenizers';
import { assetPath } from './assets';

/** SST-2 training sentences, the corpus the fixture tokenizers are trained on. */
function corpus(n = 4000): string[] {
  return readFileSync(assetPath('datasets', 'sst2', 'train.tsv'), 'utf8')
    .split('\n')
    .slice(1, n + 1)
    .map((line) => line.split('\t')[0])
    .filter((s) => s.length > 0);
}

/** A WordPiece tokenizer of `vocabSize` tokens with BERT's specials ([PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4). */
export function trainWordPieceTokenizer(vocabSize: number): Tokenizer {
  const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const tokenizer = new Tokenizer(new WordLevel(new Map([['[UNK]', 0]]), '[UNK]'));
  tokenizer.normalizer = new BertNormalizer({ lowercase: true });
  tokenizer.preTokenizer = new BertPreTokenizer();
  tokenizer.decoder = new WordPieceDecoder();
  new WordPieceTrainer({ vocabSize, specialTokens: specials, limitAlphabet: 200 }).train(tokenizer, corpus());
  tokenizer.postProcessor = new TemplateProcessing('[CLS] $A [SEP]', '[CLS] $A [SEP] $B:1 [SEP]:1', [
    ['[CLS]', tokenizer.tokenToId('[CLS]')!],
    ['[SEP]', tokenizer.tokenToId('[SEP]')!],
  ]);
  return tokenizer;
}

/** A byte-level BPE tokenizer of `vocabSize` tokens with RoBERTa's specials (<s> 0, <pad> 1, </s> 2, <unk> 3, <mask> 4). */
export function trainRobertaTokenizer(vocabSize: number): Tokenizer {
  const specials = ['<s>', '<pad>', '</s>', '<unk>', '<mask>'];
  const tokenizer = new Tokenizer(new WordLevel(new Map([['<unk>', 0]]), '<unk>'));
  tokenizer.preTokenizer = new ByteLevel({ add_prefix_space: true });
  tokenizer.decoder = new ByteLevelDecoder();
  new BpeTrainer({ vocabSize, specialTokens: specials, initialAlphabet: byteLevelAlphabet() }).train(tokenizer, corpus());
  tokenizer.postProcessor = new RobertaProcessing(['</s>', 2], ['<s>', 0]);
  return tokenizer;
}

const CONFIGS = {
  wordpiece: { cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', mask_token: '[MASK]', do_lower_case: true },
  roberta: { bos_token: '<s>', cls_token: '<s>', eos_token: '</s>', sep_token: '</s>', pad_token: '<pad>', unk_token: '<unk>', mask_token: '<mask>' },
};

/**
 * A temporary copy of fixture model `name` (`bert-seqcls`, `distilbert-seqcls`, `roberta-seqcls`,
 * `bert-mlm`) with a trained tokenizer.json and tokenizer_config.json, so it loads like a Hub
 * checkpoint. The tokenizer's vocabulary is exactly the model's `vocab_size`.
 */
export function fixtureModelWithTokenizer(name: string): string {
  const src = assetPath('fixtures', 'models', name);
  const config = JSON.parse(readFileSync(join(src, 'config.json'), 'utf8')) as { model_type: string; vocab_size: number };
  const dir = mkdtempSync(join(tmpdir(), `graft-${name}-`));
  for (const file of readdirSync(src)) if (file !== 'io.safetensors' && file !== 'README.json') copyFileSync(join(src, file), join(dir, file));
  const kind = config.model_type === 'roberta' ? 'roberta' : 'wordpiece';
  const tokenizer = kind === 'roberta' ? trainRobertaTokenizer(config.vocab_size) : trainWordPieceTokenizer(config.vocab_size);
  writeFileSync(join(dir, 'tokenizer.json'), tokenizer.toString());
  writeFileSync(join(dir, 'tokenizer_config.json'), `${JSON.stringify({ ...CONFIGS[kind], model_max_length: 64 }, null, 2)}\n`);
  return dir;
}
