/**
 * Packing tokenized documents into fixed-length sequences for masked-LM pretraining, the way the
 * embedded checkpoint was made: documents are joined by [SEP], the stream is cut into pieces of
 * `blockSize - 2` tokens, and each piece becomes `[CLS] … [SEP]`. Packing wastes no positions on
 * padding (short SST-2 sentences would otherwise fill a 128-token row to a few percent), and
 * every row but the last has exactly `blockSize` tokens.
 */
import { ArgumentError } from '@graft/core';

/** How {@link packSequences} builds rows. */
export interface PackOptions {
  /** Tokens per packed row, [CLS] and [SEP] included (at least 3). */
  blockSize: number;
  /** The id that opens every row ([CLS] for BERT, `<s>` for RoBERTa). */
  clsTokenId: number;
  /** The id that closes every row and separates documents ([SEP], `</s>`). */
  sepTokenId: number;
  /**
   * Drop the last, shorter row (transformers' `group_texts` does). Default false: the short row
   * is kept and the collate pads it, so a small corpus loses nothing.
   */
  dropRemainder?: boolean;
}

/** A packed row: the ids, an all-ones attention mask, and where the row's special tokens are. */
export interface PackedRow {
  inputIds: number[];
  attentionMask: number[];
  /** 1 where the packer put a [CLS]/[SEP], 0 on document tokens (HF's `special_tokens_mask`). */
  specialTokensMask: number[];
}

/** Incremental packer: push documents' ids, take full rows as they fill; {@link finish} yields the rest. */
export class SequencePacker {
  readonly #opts: Required<PackOptions>;
  #piece: number[] = [];
  #documents = 0;

  constructor(opts: PackOptions) {
    const { blockSize, clsTokenId, sepTokenId } = opts;
    if (!Number.isInteger(blockSize) || blockSize < 3)
      throw new ArgumentError(`packSequences: blockSize must be an integer of at least 3 ([CLS], a token, [SEP]), got ${blockSize}`);
    for (const [name, id] of [
      ['clsTokenId', clsTokenId],
      ['sepTokenId', sepTokenId],
    ] as const) {
      if (!Number.isInteger(id) || id < 0) throw new ArgumentError(`packSequences: ${name} must be a non-negative integer token id, got ${id}`);
    }
    this.#opts = { dropRemainder: false, ...opts };
  }

  /** Documents pushed so far. */
  get documents(): number {
    return this.#documents;
  }

  /** Adds one document (its ids without special tokens) and returns the rows it completed. */
  push(ids: ArrayLike<number>): PackedRow[] {
    const rows: PackedRow[] = [];
    const room = this.#opts.blockSize - 2;
    // the separator goes before every document but the first, so no row starts with a stray [SEP]
    const tokens = this.#documents > 0 ? [this.#opts.sepTokenId] : [];
    this.#documents++;
    for (let i = 0; i < ids.length; i++) tokens.push(ids[i]);
    for (const t of tokens) {
      this.#piece.push(t);
      if (this.#piece.length === room) rows.push(this.#row(this.#piece.splice(0)));
    }
    return rows;
  }

  /** The last, shorter row (unless `dropRemainder`), emptying the packer. */
  finish(): PackedRow[] {
    const piece = this.#piece.splice(0);
    if (this.#opts.dropRemainder || piece.length === 0 || (piece.length === 1 && piece[0] === this.#opts.sepTokenId)) return [];
    return [this.#row(piece)];
  }

  #row(piece: number[]): PackedRow {
    const { clsTokenId, sepTokenId } = this.#opts;
    const inputIds = [clsTokenId, ...piece, sepTokenId];
    const specialTokensMask = inputIds.map(() => 0);
    specialTokensMask[0] = 1;
    specialTokensMask[inputIds.length - 1] = 1;
    // separators between documents are special too: never masked, as HF's special_tokens_mask says
    for (let i = 1; i < inputIds.length - 1; i++) if (inputIds[i] === sepTokenId) specialTokensMask[i] = 1;
    return { inputIds, attentionMask: inputIds.map(() => 1), specialTokensMask };
  }
}

/** Packs documents (token ids without special tokens) into rows of `blockSize` tokens, lazily. */
export function* packSequences(documents: Iterable<ArrayLike<number>>, opts: PackOptions): Generator<PackedRow> {
  const packer = new SequencePacker(opts);
  for (const doc of documents) yield* packer.push(doc);
  yield* packer.finish();
}

/** {@link packSequences} over an async stream of documents (a streaming corpus). */
export async function* packSequencesAsync(
  documents: AsyncIterable<ArrayLike<number>> | Iterable<ArrayLike<number>>,
  opts: PackOptions,
): AsyncGenerator<PackedRow> {
  const packer = new SequencePacker(opts);
  for await (const doc of documents) yield* packer.push(doc);
  yield* packer.finish();
}
