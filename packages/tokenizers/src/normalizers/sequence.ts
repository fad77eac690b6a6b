/** Sequence normalizer: runs several normalizers in order. */
import type { Normalizer } from '../components';
import type { NormalizedString } from '../normalized-string';

/** Applies each normalizer in turn. */
export class NormalizerSequence implements Normalizer {
  constructor(readonly normalizers: Normalizer[]) {}

  normalize(s: NormalizedString): void {
    for (const n of this.normalizers) n.normalize(s);
  }

  toJSON() {
    return { type: 'Sequence', normalizers: this.normalizers.map((n) => n.toJSON()) };
  }
}
