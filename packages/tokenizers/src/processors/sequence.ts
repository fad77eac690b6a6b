/** Sequence post-processor: chains processors over the same list of encodings. */
import type { PostProcessor } from '../components';
import type { Encoding } from '../encoding';
import { TokenizerError } from '../errors';
import { BasePostProcessor } from './base';

/** Applies each processor's rewrite in turn, then merges once. */
export class PostProcessorSequence extends BasePostProcessor {
  readonly processors: BasePostProcessor[];

  constructor(processors: PostProcessor[]) {
    super();
    this.processors = processors.map((p) => {
      if (!(p instanceof BasePostProcessor)) {
        throw new TokenizerError('E_UNSUPPORTED', 'post_processor "Sequence": every member must extend BasePostProcessor');
      }
      return p;
    });
  }

  addedTokens(isPair: boolean): number {
    return this.processors.reduce((n, p) => n + p.addedTokens(isPair), 0);
  }

  processEncodings(encodings: Encoding[], addSpecialTokens: boolean): Encoding[] {
    let out = encodings;
    for (const p of this.processors) out = p.processEncodings(out, addSpecialTokens);
    return out;
  }

  toJSON() {
    return { type: 'Sequence', processors: this.processors.map((p) => p.toJSON()) };
  }
}
