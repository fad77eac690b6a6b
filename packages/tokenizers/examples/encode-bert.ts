/**
 * Example: load BERT's tokenizer.json, encode a sentence pair, and map tokens back to the text
 * through their offsets (UTF-16 indices into the input string).
 */
import { readFileSync } from 'node:fs';
import { Tokenizer } from '@graft/tokenizers';
import { assetPath } from '../../../test-utils/assets';

export function main(path = assetPath('tokenizers', 'bert-base-uncased', 'tokenizer.json')) {
  const tokenizer = Tokenizer.fromJSON(readFileSync(path, 'utf8'));
  // The file enables truncation (256) and batch padding; a single sentence pair needs neither.
  tokenizer.setTruncation(null).setPadding(null);

  const text = 'Naïve café owners love 😀 emoji!';
  const encoding = tokenizer.encode(text, 'Is it good?');
  const pieces = encoding.tokens.map((token, i) => {
    const [start, end] = encoding.offsets[i];
    return `${token} → ${JSON.stringify(text.slice(start, end))}`;
  });
  return { ids: encoding.ids, typeIds: encoding.typeIds, pieces, decoded: tokenizer.decode(encoding.ids) };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(main());
