/**
 * Tokenizer encode throughput: @graft/tokenizers against @huggingface/tokenizers (pure JS) and the
 * tokenizer inside @huggingface/transformers, measured in the same process, single-threaded.
 * Corpora: all of SST-2 train and 2,000 IMDB reviews; tokenizers: BERT (WordPiece) and GPT-2
 * (byte-level BPE), from the same tokenizer.json files with truncation and padding off.
 * Every implementation encodes one text at a time (the common data-pipeline call); ours returns
 * a full Encoding (offsets, word ids, masks), the others return ids, tokens and masks.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Tokenizer } from '@graft/tokenizers';
import { Tokenizer as HFTokenizer } from '@huggingface/tokenizers';
import { BertTokenizer, GPT2Tokenizer } from '@huggingface/transformers';
import { assetPath } from '../../test-utils/assets';
import { saveResults, table, time } from '../harness';

const readJson = (...p: string[]) => JSON.parse(readFileSync(assetPath(...p), 'utf8'));

function corpora(): { name: string; texts: string[] }[] {
  const sst2 = readFileSync(assetPath('datasets', 'sst2', 'train.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t')[0])
    .filter((s) => s.length > 0);
  const imdb = gunzipSync(readFileSync(assetPath('datasets', 'imdb', 'train.jsonl.gz')))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => (JSON.parse(l) as { text: string }).text);
  // The file is sorted positives then negatives: take every 12th review for a mix of both.
  const imdbSample = imdb.filter((_, i) => i % 12 === 0).slice(0, 2000);
  return [
    { name: 'SST-2 train', texts: sst2 },
    { name: 'IMDB 2k', texts: imdbSample },
  ];
}

type Encode = (text: string) => number; // returns the number of tokens

function implementations(model: 'bert-base-uncased' | 'gpt2'): { name: string; encode: Encode }[] {
  const json = readJson('tokenizers', model, 'tokenizer.json');
  const config = readJson('tokenizers', model, 'tokenizer_config.json');
  const graft = Tokenizer.fromJSON(json).setTruncation(null).setPadding(null);
  const plain = { ...json, truncation: null, padding: null };
  const hf = new HFTokenizer(plain, config);
  const Transformers = model === 'gpt2' ? GPT2Tokenizer : BertTokenizer;
  const tf = new Transformers(plain, config);
  const special = model !== 'gpt2';
  return [
    { name: '@graft/tokenizers', encode: (t) => graft.encode(t, null, { addSpecialTokens: special }).ids.length },
    { name: '@huggingface/tokenizers', encode: (t) => hf.encode(t, { add_special_tokens: special }).ids.length },
    { name: '@huggingface/transformers', encode: (t) => tf.encode(t, { add_special_tokens: special }).length },
  ];
}

async function main() {
  const rows: Record<string, string | number>[] = [];
  const results: unknown[] = [];
  for (const corpus of corpora()) {
    const bytes = corpus.texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
    for (const model of ['bert-base-uncased', 'gpt2'] as const) {
      const measured: { name: string; seconds: number; tokens: number }[] = [];
      for (const impl of implementations(model)) {
        // Warm the JIT (and caches, for every implementation alike) on a tenth of the corpus;
        // the reported time is the median of three full passes.
        for (const t of corpus.texts.slice(0, Math.ceil(corpus.texts.length / 10))) impl.encode(t);
        let tokens = 0;
        const timing = await time(
          () => {
            tokens = 0;
            for (const t of corpus.texts) tokens += impl.encode(t);
          },
          { warmup: 0, minRuns: 3, minTime: 0 },
        );
        measured.push({ name: impl.name, seconds: timing.median, tokens });
      }
      const fastestRef = Math.min(...measured.slice(1).map((m) => m.seconds));
      for (const m of measured) {
        const row = {
          corpus: corpus.name,
          tokenizer: model,
          implementation: m.name,
          'tokens/s': Math.round(m.tokens / m.seconds),
          'MB/s': bytes / 1e6 / m.seconds,
          'speed vs fastest ref': fastestRef / m.seconds,
        };
        rows.push(row);
        results.push({ ...row, seconds: m.seconds, tokens: m.tokens, bytes, texts: corpus.texts.length });
      }
      if (new Set(measured.map((m) => m.tokens)).size !== 1) {
        console.warn(`token counts differ on ${corpus.name} / ${model}: ${measured.map((m) => `${m.name}=${m.tokens}`).join(', ')}`);
      }
    }
  }
  table(rows);
  saveResults('tokenizers', results);
}

await main();
