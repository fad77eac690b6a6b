/**
 * RobertaProcessing: `<s> A </s>` and `<s> A </s></s> B </s>`, every type id 0, with ByteLevel
 * offset trimming when `trim_offsets` is set.
 */
import type { Encoding } from '../encoding';
import type { JsonReader } from '../json-reader';
import { BasePostProcessor, trimByteLevelOffsets, wrapWithSpecials, type SpecialPair } from './base';
import { readSpecialPair } from './special-pair';

/** The post-processor of RoBERTa. */
export class RobertaProcessing extends BasePostProcessor {
  constructor(
    readonly sep: SpecialPair = ['</s>', 2],
    readonly cls: SpecialPair = ['<s>', 0],
    readonly trimOffsets = true,
    readonly addPrefixSpace = true,
  ) {
    super();
  }

  /** Reads the tokenizer.json form. */
  static fromJSON(r: JsonReader): RobertaProcessing {
    return new RobertaProcessing(readSpecialPair(r, 'sep'), readSpecialPair(r, 'cls'), r.bool('trim_offsets', true), r.bool('add_prefix_space', true));
  }

  addedTokens(isPair: boolean): number {
    return isPair ? 4 : 2;
  }

  processEncodings(encodings: Encoding[], addSpecialTokens: boolean): Encoding[] {
    if (this.trimOffsets) {
      for (const e of encodings) {
        trimByteLevelOffsets(e, this.addPrefixSpace);
        for (const o of e.overflowing) trimByteLevelOffsets(o, this.addPrefixSpace);
      }
    }
    for (const e of encodings) e.setTypeIds(0);
    if (!addSpecialTokens) return encodings;
    const zeros = (x: Encoding) => new Array<number>(x.ids.length + 2).fill(0);
    return encodings.map((e, i) => (i === 0 ? wrapWithSpecials(e, [this.cls], [this.sep], 0, zeros) : wrapWithSpecials(e, [this.sep], [this.sep], 1, zeros)));
  }

  toJSON() {
    return { type: 'RobertaProcessing', sep: this.sep, cls: this.cls, trim_offsets: this.trimOffsets, add_prefix_space: this.addPrefixSpace };
  }
}
