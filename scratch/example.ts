/**
 * A starting point for your own script: copy it to a new file in this folder (git ignores
 * everything here except this file, README.md, package.json and tsconfig.json) and run
 *
 *   pnpm scratch scratch/my-script.ts
 *
 * which runs it with tsx against the packages' TypeScript source (no build needed).
 */
import { readFileSync } from 'node:fs';
import { randn, scope } from '@graft/core';
import { Linear } from '@graft/nn';
import { Tokenizer } from '@graft/tokenizers';

const tokenizer = Tokenizer.fromJSON(JSON.parse(readFileSync(new URL('../assets/models/bert-tiny-imdb-mlm/tokenizer.json', import.meta.url), 'utf8')));
const encoding = tokenizer.encode('Graft makes pretrained models yours.');
console.log('tokens:', encoding.tokens.join(' '));

const layer = new Linear(8, 2);
scope(() => {
  const y = layer.call(randn([3, 8]));
  console.log('a Linear(8, 2) on a [3, 8] batch gives', y.shape);
});
