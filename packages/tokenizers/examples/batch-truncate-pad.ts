/**
 * Example: batches with truncation (keeping the overflow with a stride) and padding to a
 * multiple of 8, as a data pipeline would prepare model inputs.
 */
import { readFileSync } from 'node:fs';
import { Tokenizer } from '@graft/tokenizers';
import { assetPath } from '../../../test-utils/assets';

export function main() {
  const tokenizer = Tokenizer.fromJSON(readFileSync(assetPath('tokenizers', 'bert-base-uncased', 'tokenizer.json'), 'utf8'));
  tokenizer.setTruncation({ maxLength: 12, stride: 2, strategy: 'longest_first' });
  tokenizer.setPadding({ padToMultipleOf: 8, padToken: '[PAD]', padId: 0 });

  const batch = tokenizer.encodeBatch(['A short one.', 'This review is definitely long enough to be cut into several overlapping windows of tokens.']);
  return batch.map((e) => ({ ids: e.ids, attentionMask: e.attentionMask, overflowing: e.overflowing.map((o) => o.tokens.join(' ')) }));
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(main(), null, 1));
