/**
 * Tokenizer encode throughput: @graft/tokenizers against @huggingface/tokenizers (pure JS) and the
 * tokenizer inside @huggingface/transformers, measured in the same process, single-threaded.
 * Corpora: all of SST-2 train and 2,000 IMDB reviews for BERT (WordPiece); a quarter of SST-2 and
 * 500 reviews for GPT-2 (byte-level BPE), whose reference implementations are 5-15 times slower,
 * so that the suite stays near two minutes. Same tokenizer.json files, truncation and padding off.
 * Every implementation encodes one text at a time (the common data-pipeline call); ours returns
 * a full Encoding (offsets, word ids, masks), the others return ids, tokens and masks.
 *
 * Method: one untimed warm-up pass over the corpus per implementation (JIT and caches), then
 * three timed rounds; each round times every implementation once, in a rotating order, so that
 * load from other processes falls on all of them alike. Reported: the median pass of each, and
 * the ratio of medians against the faster reference, with the range of the per-round ratios.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Tokenizer } from '@graft/tokenizers';
import { Tokenizer as HFTokenizer } from '@huggingface/tokenizers';
import { BertTokenizer, GPT2Tokenizer } from '@huggingface/transformers';
import { assetPath, largeAssetPath } from '../../test-utils/assets';
import { saveResults, table } from '../harness';

const readJson = (...p: string[]) => JSON.parse(readFileSync(assetPath(...p), 'utf8'));

function corpora(): { name: string; model: Model; texts: string[] }[] {
  const sst2 = readFileSync(assetPath('datasets', 'sst2', 'train.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t')[0])
    .filter((s) => s.length > 0);
  // IMDB is not vendored (25 MB); it is read from GRAFT_ASSETS or ../shared/assets
  const imdbFile = largeAssetPath('datasets', 'imdb', 'train.jsonl.gz');
  if (!imdbFile.path)
    throw new Error(`IMDB train.jsonl.gz not found; looked in:\n  ${imdbFile.searched.join('\n  ')}\nset GRAFT_ASSETS to a folder with datasets/imdb/`);
  const imdb = gunzipSync(readFileSync(imdbFile.path))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => (JSON.parse(l) as { text: string }).text);
  // The file is sorted positives then negatives: take every 12th review for a mix of both.
  const imdbSample = imdb.filter((_, i) => i % 12 === 0).slice(0, 2000);
  const sst2Quarter = sst2.filter((_, i) => i % 4 === 0);
  const imdb500 = imdbSample.filter((_, i) => i % 4 === 0);
  return [
    { name: `SST-2 train (${sst2.length})`, model: 'bert-base-uncased', texts: sst2 },
    { name: `IMDB (${imdbSample.length})`, model: 'bert-base-uncased', texts: imdbSample },
    { name: `SST-2 train (${sst2Quarter.length})`, model: 'gpt2', texts: sst2Quarter },
    { name: `IMDB (${imdb500.length})`, model: 'gpt2', texts: imdb500 },
  ];
}

type Model = 'bert-base-uncased' | 'gpt2';
type Encode = (text: string) => number; // returns the number of tokens

function implementations(model: Model): { name: string; encode: Encode }[] {
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

const ROUNDS = 3;

/** Seconds for one pass over `texts`, and the tokens it produced. */
function pass(encode: Encode, texts: string[]): { seconds: number; tokens: number } {
  let tokens = 0;
  const t0 = performance.now();
  for (const t of texts) tokens += encode(t);
  return { seconds: (performance.now() - t0) / 1000, tokens };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main() {
  const rows: Record<string, string | number>[] = [];
  const results: unknown[] = [];
  for (const corpus of corpora()) {
    const bytes = corpus.texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
    const impls = implementations(corpus.model);
    const tokens = impls.map((impl) => pass(impl.encode, corpus.texts).tokens); // warm-up, untimed
    const seconds: number[][] = impls.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < impls.length; k++) {
        const i = (k + round) % impls.length;
        seconds[i].push(pass(impls[i].encode, corpus.texts).seconds);
      }
    }
    const medians = seconds.map(median);
    const fastestRef = Math.min(...medians.slice(1));
    // Per round, ours against the faster reference of that same round.
    const roundRatios = seconds[0].map((s, r) => Math.min(...seconds.slice(1).map((ref) => ref[r])) / s);
    impls.forEach((impl, i) => {
      const row = {
        corpus: corpus.name,
        tokenizer: corpus.model,
        implementation: impl.name,
        'tokens/s': Math.round(tokens[i] / medians[i]),
        'MB/s': bytes / 1e6 / medians[i],
        'speed vs fastest ref': fastestRef / medians[i],
        'per-round range': i === 0 ? `${Math.min(...roundRatios).toFixed(2)}-${Math.max(...roundRatios).toFixed(2)}` : '',
      };
      rows.push(row);
      results.push({ ...row, seconds: medians[i], samples: seconds[i], tokens: tokens[i], bytes, texts: corpus.texts.length });
    });
    if (new Set(tokens).size !== 1) {
      console.warn(`token counts differ on ${corpus.name} / ${corpus.model}: ${impls.map((m, i) => `${m.name}=${tokens[i]}`).join(', ')}`);
    }
  }
  table(rows);
  saveResults('tokenizers', results);
}

main();
