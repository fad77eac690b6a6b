/** Sequence decoder: feeds the output of each decoder to the next. */
import type { Decoder } from '../components';

/** Chains decoders. */
export class DecoderSequence implements Decoder {
  constructor(readonly decoders: Decoder[]) {}

  decodeChain(tokens: string[]): string[] {
    let out = tokens;
    for (const d of this.decoders) out = d.decodeChain(out);
    return out;
  }

  toJSON() {
    return { type: 'Sequence', decoders: this.decoders.map((d) => d.toJSON()) };
  }
}
