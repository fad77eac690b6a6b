/**
 * Example: train a small WordPiece tokenizer on a corpus, save it as tokenizer.json (which HF
 * `tokenizers` can load) and load it back.
 */
import { BertNormalizer, BertPreTokenizer, TemplateProcessing, Tokenizer, WordLevel, WordPieceDecoder, WordPieceTrainer } from '@graft/tokenizers';

export function main(corpus: string[] = defaultCorpus()) {
  // The model is a placeholder until training replaces it.
  const tokenizer = new Tokenizer(new WordLevel(new Map([['[UNK]', 0]]), '[UNK]'));
  tokenizer.normalizer = new BertNormalizer({ lowercase: true });
  tokenizer.preTokenizer = new BertPreTokenizer();
  tokenizer.decoder = new WordPieceDecoder();

  const trainer = new WordPieceTrainer({ vocabSize: 200, minFrequency: 2, specialTokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]'] });
  trainer.train(tokenizer, corpus);
  tokenizer.postProcessor = new TemplateProcessing('[CLS] $A [SEP]', '[CLS] $A [SEP] $B:1 [SEP]:1', [
    ['[CLS]', tokenizer.tokenToId('[CLS]')!],
    ['[SEP]', tokenizer.tokenToId('[SEP]')!],
  ]);

  const json = tokenizer.toString();
  const reloaded = Tokenizer.fromJSON(json);
  const encoding = reloaded.encode('The tokenizer tokenizes tokens.');
  return { vocabSize: reloaded.getVocabSize(), tokens: encoding.tokens, jsonBytes: json.length };
}

function defaultCorpus(): string[] {
  const base = ['the tokenizer splits text into tokens', 'tokens become ids for the model', 'a tokenizer is trained on text', 'the model reads token ids'];
  return Array.from({ length: 20 }, (_, i) => base[i % base.length]);
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(main());
