/**
 * From a tokenizer's batch to a Transformer encoder, with padding that changes nothing: texts
 * of different lengths are tokenized by a BERT WordPiece tokenizer, turned into `inputIds`,
 * `attentionMask` and `keyPaddingMask` by `encodingsToTensors`, and encoded; every text's
 * sentence vector (the mean over its real tokens) is the one it gets when encoded alone.
 *
 * The masks follow two conventions, and the layers take only one of them:
 *   attentionMask   int32, Hugging Face: 1 = real token, 0 = padding (HF models, pooling)
 *   keyPaddingMask  bool, PyTorch: true = padding, ignored (MultiheadAttention, Transformer layers)
 * An int32 mask given to an attention layer throws AttentionMaskError instead of masking nothing.
 * Runs in Node and in the browser, on the CPU or WebGPU.
 *
 *   tsx docs/examples/nn/padded-batch.ts
 */
import { Generator, noGrad, scope, type Tensor } from '@graft/core';
import { Embedding, encodingsToTensors, Module, TransformerEncoder, TransformerEncoderLayer } from '@graft/nn';
import { bertWordPieceTokenizer, type Encoding, type Tokenizer } from '@graft/tokenizers';
import { isMain } from '../is-main';

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'cat', 'sat', 'on', 'mat', 'a', 'dog', 'ran', 'far', '##s', '.'];

/** A BERT tokenizer over a toy vocabulary (a real one loads with `loadTokenizer(dir)` from @graft/tokenizers/node). */
export function toyTokenizer(): Tokenizer {
  return bertWordPieceTokenizer(new Map(VOCAB.map((t, i) => [t, i])));
}

/** Token embeddings and a two-layer encoder; `embed` returns one vector per text. */
class SentenceEncoder extends Module<[Tensor, Tensor, Tensor], Tensor> {
  tokens: Embedding;
  encoder: TransformerEncoder;
  constructor(gen: Generator) {
    super();
    this.tokens = new Embedding(VOCAB.length, 16, { generator: gen, paddingIdx: 0 });
    this.encoder = new TransformerEncoder(() => new TransformerEncoderLayer(16, 4, { dimFeedforward: 32, dropout: 0, batchFirst: true, generator: gen }), 2);
  }
  /** `[N, 16]`: the mean of the encoder's outputs over each text's real tokens. */
  forward(inputIds: Tensor, attentionMask: Tensor, keyPaddingMask: Tensor): Tensor {
    const h = this.encoder.call(this.tokens.call(inputIds), { srcKeyPaddingMask: keyPaddingMask });
    const keep = attentionMask.cast(h.dtype).unsqueeze(-1);
    return h.mul(keep).sum(1).div(keep.sum(1));
  }
}

/** Sentence vectors of `texts` encoded as one padded batch and each alone. */
export async function sentenceVectors(texts: string[]): Promise<{ batched: number[][]; alone: number[][] }> {
  const tokenizer = toyTokenizer();
  const model = new SentenceEncoder(new Generator(4)).eval();
  const vectors = async (encodings: Encoding[]) => {
    const v = scope(() => {
      const { inputIds, attentionMask, keyPaddingMask } = encodingsToTensors(encodings, { padId: tokenizer.tokenToId('[PAD]') });
      return noGrad(() => model.call(inputIds, attentionMask, keyPaddingMask));
    });
    const rows = (await v.array()) as number[][];
    v.dispose();
    return rows;
  };
  const batched = await vectors(tokenizer.encodeBatch(texts));
  const alone: number[][] = [];
  for (const t of texts) alone.push((await vectors([tokenizer.encode(t)]))[0]);
  model.dispose();
  return { batched, alone };
}

/** Prints, for each text, how far its vector in the padded batch is from its vector alone. */
export async function comparePadding(log: (line: string) => void): Promise<void> {
  const texts = ['the cat sat on the mat.', 'a dog ran.', 'cats ran'];
  const { batched, alone } = await sentenceVectors(texts);
  texts.forEach((t, i) => {
    const diff = Math.max(...batched[i].map((v, j) => Math.abs(v - alone[i][j])));
    log(`${t.padEnd(24)} batched vs alone: max difference ${diff.toExponential(1)}`);
  });
}

if (isMain(import.meta.url)) void comparePadding(console.log);
