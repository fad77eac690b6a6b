/**
 * The decoder registry: tokenizer.json `decoder.type` tags. Plugins add their own with
 * `registerDecoder`.
 */
import type { Decoder } from '../components';
import { buildComponent, buildList, type ComponentFactory } from '../registry';
import { BPEDecoder } from './bpe-decoder';
import { ByteFallback } from './byte-fallback';
import { ByteLevelDecoder } from './byte-level-decoder';
import { CTC } from './ctc';
import { Fuse } from './fuse';
import { MetaspaceDecoder } from './metaspace-decoder';
import { ReplaceDecoder } from './replace-decoder';
import { DecoderSequence } from './sequence';
import { StripDecoder } from './strip-decoder';
import { WordPieceDecoder } from './wordpiece-decoder';

/** `type` tag → factory for decoders. */
export const decoders: Record<string, ComponentFactory<Decoder>> = {
  WordPiece: (r) => WordPieceDecoder.fromJSON(r),
  ByteLevel: (r) => ByteLevelDecoder.fromJSON(r),
  Metaspace: (r) => MetaspaceDecoder.fromJSON(r),
  BPEDecoder: (r) => BPEDecoder.fromJSON(r),
  ByteFallback: () => new ByteFallback(),
  Fuse: () => new Fuse(),
  Strip: (r) => StripDecoder.fromJSON(r),
  Replace: (r) => ReplaceDecoder.fromJSON(r),
  CTC: (r) => CTC.fromJSON(r),
  Sequence: (r, build) => new DecoderSequence(buildList(r, 'decoders', build)),
};

/** Registers (or replaces) the factory for a decoder `type` tag. */
export function registerDecoder(tag: string, factory: ComponentFactory<Decoder>): void {
  decoders[tag] = factory;
}

/** Builds a decoder from its tokenizer.json object. */
export function decoderFromJSON(json: unknown): Decoder {
  return buildComponent(decoders, 'decoder', json);
}

export { BPEDecoder, ByteFallback, ByteLevelDecoder, CTC, DecoderSequence, Fuse, MetaspaceDecoder, ReplaceDecoder, StripDecoder, WordPieceDecoder };
