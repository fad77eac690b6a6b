/** BertProcessing: `[CLS] A [SEP]` and `[CLS] A [SEP] B [SEP]`, type ids 0 then 1. */
import type { Encoding } from '../encoding';
import type { JsonReader } from '../json-reader';
import { BasePostProcessor, wrapWithSpecials, type SpecialPair } from './base';
import { readSpecialPair } from './special-pair';

/** The post-processor of the original BERT. */
export class BertProcessing extends BasePostProcessor {
  constructor(
    readonly sep: SpecialPair = ['[SEP]', 102],
    readonly cls: SpecialPair = ['[CLS]', 101],
  ) {
    super();
  }

  /** Reads the tokenizer.json form. */
  static fromJSON(r: JsonReader): BertProcessing {
    return new BertProcessing(readSpecialPair(r, 'sep'), readSpecialPair(r, 'cls'));
  }

  addedTokens(isPair: boolean): number {
    return isPair ? 3 : 2;
  }

  processEncodings(encodings: Encoding[], addSpecialTokens: boolean): Encoding[] {
    if (!addSpecialTokens) return encodings;
    return encodings.map((e, i) =>
      i === 0 ? wrapWithSpecials(e, [this.cls], [this.sep], 0, (x) => [0, ...x.typeIds, 0]) : wrapWithSpecials(e, [], [this.sep], 1, (x) => [...x.typeIds, 1]),
    );
  }

  toJSON() {
    return { type: 'BertProcessing', sep: this.sep, cls: this.cls };
  }
}
