/**
 * Padding settings and their application to a batch (HF `pad_encodings`): pad to the longest in
 * the batch or to a fixed length, optionally rounded up to a multiple, on the right or left.
 */
import { checkPaddedLength, type Direction, type Encoding } from '../encoding';
import { TokenizerError } from '../errors';
import { JsonReader } from '../json-reader';
import { checkTokenId } from '../token-id';

/** Padding settings. */
export interface PaddingParams {
  /** "longest" (the batch's longest) or a fixed length. */
  strategy?: 'BatchLongest' | 'longest' | { fixed: number };
  direction?: Direction | 'right' | 'left';
  padToMultipleOf?: number | null;
  padId?: number;
  padTypeId?: number;
  padToken?: string;
}

/** Padding settings with every field resolved. */
export interface ResolvedPadding {
  fixed: number | null;
  direction: Direction;
  padToMultipleOf: number | null;
  padId: number;
  padTypeId: number;
  padToken: string;
}

/** Fills defaults and validates. */
export function resolvePadding(p: PaddingParams = {}): ResolvedPadding {
  const s = p.strategy ?? 'BatchLongest';
  const fixed = typeof s === 'object' ? s.fixed : null;
  if (typeof s === 'string' && s !== 'BatchLongest' && s !== 'longest')
    throw new TokenizerError('E_BAD_FIELD', `padding: unknown strategy ${JSON.stringify(s)}`);
  if (fixed !== null && (!Number.isInteger(fixed) || fixed < 0))
    throw new TokenizerError('E_BAD_FIELD', `padding: fixed length must be a non-negative integer, got ${fixed}`);
  if (fixed !== null) checkPaddedLength(fixed, 'padding: strategy Fixed');
  const multiple = p.padToMultipleOf ?? null;
  if (multiple !== null && (!Number.isInteger(multiple) || multiple < 0))
    throw new TokenizerError('E_BAD_FIELD', `padding: padToMultipleOf must be a non-negative integer, got ${multiple}`);
  if (multiple !== null) checkPaddedLength(multiple, 'padding: padToMultipleOf');
  const dir = (p.direction ?? 'Right').toLowerCase();
  if (dir !== 'right' && dir !== 'left') throw new TokenizerError('E_BAD_FIELD', `padding: unknown direction ${JSON.stringify(p.direction)}`);
  return {
    fixed,
    direction: dir === 'right' ? 'Right' : 'Left',
    padToMultipleOf: multiple,
    padId: checkTokenId(p.padId ?? 0, 'padding', 'padId'),
    padTypeId: checkTokenId(p.padTypeId ?? 0, 'padding', 'padTypeId'),
    padToken: p.padToken ?? '[PAD]',
  };
}

/** Reads tokenizer.json `padding`. */
export function paddingFromJSON(json: unknown): ResolvedPadding {
  const r = new JsonReader(json, 'padding');
  const raw = r.json.strategy;
  let strategy: PaddingParams['strategy'];
  if (raw === 'BatchLongest' || raw === undefined) strategy = 'BatchLongest';
  else if (raw !== null && typeof raw === 'object' && 'Fixed' in raw) strategy = { fixed: new JsonReader(raw, 'padding strategy').uint('Fixed') };
  else r.fail('strategy', '"BatchLongest" or {"Fixed": n}');
  return resolvePadding({
    strategy,
    direction: r.oneOf('direction', ['Right', 'Left'] as const, 'Right'),
    padToMultipleOf: r.optionalUint('pad_to_multiple_of'),
    padId: r.tokenId('pad_id', 0),
    padTypeId: r.tokenId('pad_type_id', 0),
    padToken: r.string('pad_token', '[PAD]'),
  });
}

/** Writes tokenizer.json `padding`. */
export function paddingToJSON(p: ResolvedPadding) {
  return {
    strategy: p.fixed === null ? 'BatchLongest' : { Fixed: p.fixed },
    direction: p.direction,
    pad_to_multiple_of: p.padToMultipleOf,
    pad_id: p.padId,
    pad_type_id: p.padTypeId,
    pad_token: p.padToken,
  };
}

/** Pads every encoding of the batch in place. */
export function padEncodings(encodings: Encoding[], p: ResolvedPadding): void {
  if (encodings.length === 0) return;
  let length = p.fixed ?? encodings.reduce((m, e) => Math.max(m, e.length), 0);
  const m = p.padToMultipleOf;
  if (m && m > 0 && length % m > 0) length += m - (length % m);
  for (const e of encodings) e.pad(length, p.padId, p.padTypeId, p.padToken, p.direction);
}
