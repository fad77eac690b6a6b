/**
 * Example: read a SentencePiece `.model` file two ways: the exact SentencePiece encoder, and a
 * tokenizer.json pipeline converted from it (which can then be saved for HF `tokenizers`).
 */
import { readFileSync } from 'node:fs';
import { fromSentencePiece, SentencePieceProcessor } from '@graft/tokenizers';
import { assetPath } from '../../../test-utils/assets';

export function main(path = assetPath('tokenizers', 't5', 'spiece.model')) {
  const bytes = new Uint8Array(readFileSync(path));
  const spm = SentencePieceProcessor.fromBytes(bytes);
  const exact = spm.encode('Hello, world!');
  const tokenizer = fromSentencePiece(bytes);
  const converted = tokenizer.encode('Hello, world!');
  return { pieces: exact.pieces, ids: exact.ids, convertedIds: converted.ids, decoded: spm.decode(exact.ids) };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(main());
