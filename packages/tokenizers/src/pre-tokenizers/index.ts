/**
 * The pre-tokenizer registry: every tokenizer.json `pre_tokenizer.type` tag this package
 * understands. Plugins add their own with `registerPreTokenizer`.
 */
import type { PreTokenizer } from '../components';
import { buildComponent, buildList, type ComponentFactory } from '../registry';
import { BertPreTokenizer } from './bert-pre-tokenizer';
import { ByteLevel } from './byte-level';
import { CharDelimiterSplit } from './char-delimiter-split';
import { Digits } from './digits';
import { Metaspace } from './metaspace';
import { Punctuation } from './punctuation';
import { PreTokenizerSequence } from './sequence';
import { Split } from './split';
import { Whitespace, WhitespaceSplit } from './whitespace';

/** `type` tag → factory for pre-tokenizers. */
export const preTokenizers: Record<string, ComponentFactory<PreTokenizer>> = {
  BertPreTokenizer: () => new BertPreTokenizer(),
  Whitespace: () => new Whitespace(),
  WhitespaceSplit: () => new WhitespaceSplit(),
  ByteLevel: (r) => ByteLevel.fromJSON(r),
  Metaspace: (r) => Metaspace.fromJSON(r),
  Split: (r) => Split.fromJSON(r),
  Punctuation: (r) => Punctuation.fromJSON(r),
  Digits: (r) => Digits.fromJSON(r),
  CharDelimiterSplit: (r) => CharDelimiterSplit.fromJSON(r),
  Sequence: (r, build) => new PreTokenizerSequence(buildList(r, 'pretokenizers', build)),
};

/** Registers (or replaces) the factory for a pre-tokenizer `type` tag. */
export function registerPreTokenizer(tag: string, factory: ComponentFactory<PreTokenizer>): void {
  preTokenizers[tag] = factory;
}

/** Builds a pre-tokenizer from its tokenizer.json object. */
export function preTokenizerFromJSON(json: unknown): PreTokenizer {
  return buildComponent(preTokenizers, 'pre_tokenizer', json);
}

export { BertPreTokenizer, ByteLevel, CharDelimiterSplit, Digits, Metaspace, PreTokenizerSequence, Punctuation, Split, Whitespace, WhitespaceSplit };
