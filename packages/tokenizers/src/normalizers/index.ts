/**
 * The normalizer registry: every tokenizer.json `normalizer.type` tag this package understands.
 * Plugins add their own with `registerNormalizer`.
 */
import type { Normalizer } from '../components';
import { buildComponent, buildList, type ComponentFactory } from '../registry';
import { BertNormalizer } from './bert-normalizer';
import { Precompiled } from './precompiled';
import { Prepend } from './prepend';
import { Replace } from './replace';
import { NormalizerSequence } from './sequence';
import { Lowercase, StripAccents, UnicodeNormalizer } from './simple';
import { Strip } from './strip';

/** `type` tag → factory for normalizers. */
export const normalizers: Record<string, ComponentFactory<Normalizer>> = {
  BertNormalizer: (r) => BertNormalizer.fromJSON(r),
  Lowercase: () => new Lowercase(),
  StripAccents: () => new StripAccents(),
  NFC: () => new UnicodeNormalizer('NFC'),
  NFD: () => new UnicodeNormalizer('NFD'),
  NFKC: () => new UnicodeNormalizer('NFKC'),
  NFKD: () => new UnicodeNormalizer('NFKD'),
  Strip: (r) => Strip.fromJSON(r),
  Replace: (r) => Replace.fromJSON(r),
  Prepend: (r) => Prepend.fromJSON(r),
  Precompiled: (r) => Precompiled.fromJSON(r),
  Sequence: (r, build) => new NormalizerSequence(buildList(r, 'normalizers', build)),
};

/** Registers (or replaces) the factory for a normalizer `type` tag. */
export function registerNormalizer(tag: string, factory: ComponentFactory<Normalizer>): void {
  normalizers[tag] = factory;
}

/** Builds a normalizer from its tokenizer.json object. */
export function normalizerFromJSON(json: unknown): Normalizer {
  return buildComponent(normalizers, 'normalizer', json);
}

export { BertNormalizer, Lowercase, NormalizerSequence, Precompiled, Prepend, Replace, Strip, StripAccents, UnicodeNormalizer };
