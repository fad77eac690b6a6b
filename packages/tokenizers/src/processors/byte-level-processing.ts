/** ByteLevel post-processor: only trims offsets off the "Ġ" spaces; adds no tokens. */
import type { Encoding } from '../encoding';
import type { JsonReader } from '../json-reader';
import { readByteLevelOptions } from '../pre-tokenizers/byte-level';
import { BasePostProcessor, trimByteLevelOffsets } from './base';

/** Offset trimming for byte-level BPE. */
export class ByteLevelProcessing extends BasePostProcessor {
  constructor(
    readonly addPrefixSpace = true,
    readonly trimOffsets = true,
    readonly useRegex = true,
  ) {
    super();
  }

  /** Reads the tokenizer.json form. */
  static fromJSON(r: JsonReader): ByteLevelProcessing {
    const o = readByteLevelOptions(r);
    return new ByteLevelProcessing(o.add_prefix_space, o.trim_offsets, o.use_regex);
  }

  addedTokens(): number {
    return 0;
  }

  processEncodings(encodings: Encoding[]): Encoding[] {
    if (this.trimOffsets) {
      for (const e of encodings) {
        trimByteLevelOffsets(e, this.addPrefixSpace);
        for (const o of e.overflowing) trimByteLevelOffsets(o, this.addPrefixSpace);
      }
    }
    encodings.forEach((e, i) => e.setSequenceId(i));
    return encodings;
  }

  toJSON() {
    return { type: 'ByteLevel', add_prefix_space: this.addPrefixSpace, trim_offsets: this.trimOffsets, use_regex: this.useRegex };
  }
}
