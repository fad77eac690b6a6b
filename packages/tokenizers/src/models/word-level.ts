/** WordLevel model: each whole split is looked up in the vocabulary, else the unknown token. */
import type { Model } from '../components';
import { TokenizerError } from '../errors';
import type { JsonReader } from '../json-reader';
import type { Token } from '../pre-tokenized-string';
import { VocabLookup, readVocabObject, vocabFromMap, vocabToObject, type Vocab } from './vocab';

/** Maps whole words to ids. */
export class WordLevel extends VocabLookup implements Model {
  /** @internal the token ↔ id tables; read them with `getVocab`, `tokenToId` and `idToToken` */
  readonly vocab: Vocab;

  constructor(
    vocab: Map<string, number>,
    readonly unkToken: string = '<unk>',
  ) {
    super();
    this.vocab = vocabFromMap(vocab, 'model "WordLevel"');
  }

  /** Reads the tokenizer.json form. */
  static fromJSON(r: JsonReader): WordLevel {
    return new WordLevel(readVocabObject(r).tokenToId, r.string('unk_token', '<unk>'));
  }

  tokenize(word: string): Token[] {
    const id = this.vocab.tokenToId.get(word);
    if (id !== undefined) return [{ id, value: word, offsets: [0, word.length] }];
    const unk = this.vocab.tokenToId.get(this.unkToken);
    if (unk === undefined)
      throw new TokenizerError(
        'E_VOCAB',
        `model "WordLevel": ${JSON.stringify(word)} is unknown and unk_token ${JSON.stringify(this.unkToken)} is not in the vocabulary`,
      );
    return [{ id: unk, value: this.unkToken, offsets: [0, word.length] }];
  }

  toJSON() {
    return { type: 'WordLevel', vocab: vocabToObject(this.vocab), unk_token: this.unkToken };
  }
}
