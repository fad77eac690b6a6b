/**
 * TemplateProcessing: the general post-processor. A template is a list of pieces, each either a
 * sequence (`$A`, `$B`) or a named special token, with a type id: for BERT,
 * `[CLS]:0 $A:0 [SEP]:0` and `[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1`. Accepts the tokenizer.json
 * object form and the string shorthand.
 */
import { Encoding } from '../encoding';
import { TokenizerError } from '../errors';
import { JsonReader } from '../json-reader';
import { checkTokenId } from '../token-id';
import { BasePostProcessor } from './base';

/** One template piece, in tokenizer.json form. */
export type TemplatePiece = { Sequence: { id: 'A' | 'B'; type_id: number } } | { SpecialToken: { id: string; type_id: number } };

/** A special token usable in templates: one name can stand for several ids. */
export interface TemplateSpecialToken {
  id: string;
  ids: number[];
  tokens: string[];
}

/** Parses the string shorthand, e.g. "[CLS] $A [SEP] $B:1 [SEP]:1". */
export function parseTemplate(template: string | TemplatePiece[]): TemplatePiece[] {
  if (Array.isArray(template)) return template;
  return template
    .split(' ')
    .filter((p) => p.length > 0)
    .map((part): TemplatePiece => {
      const colon = part.lastIndexOf(':');
      const hasType = colon > 0 && /^\d+$/.test(part.slice(colon + 1));
      const name = hasType ? part.slice(0, colon) : part;
      const typeId = hasType ? Number(part.slice(colon + 1)) : 0;
      if (name === '$' || name === '$A' || name === '$0') return { Sequence: { id: 'A', type_id: typeId } };
      if (name === '$B' || name === '$1') return { Sequence: { id: 'B', type_id: typeId } };
      if (name.startsWith('$')) {
        const n = name.slice(1);
        if (/^\d+$/.test(n)) return { Sequence: { id: 'A', type_id: Number(n) } };
        throw new TokenizerError('E_BAD_FIELD', `post_processor "TemplateProcessing": cannot parse template piece ${JSON.stringify(part)}`);
      }
      return { SpecialToken: { id: name, type_id: typeId } };
    });
}

function readPieces(r: JsonReader, field: string): TemplatePiece[] {
  const raw = r.json[field];
  if (typeof raw === 'string') return parseTemplate(raw);
  return r.array(field).map((p, i) => {
    const where = `${r.where} ${field}[${i}]`;
    const piece = new JsonReader(p, where);
    if (piece.has('Sequence')) {
      const s = new JsonReader(piece.object('Sequence'), `${where}.Sequence`);
      return { Sequence: { id: s.oneOf('id', ['A', 'B'] as const), type_id: s.tokenId('type_id') } };
    }
    if (piece.has('SpecialToken')) {
      const s = new JsonReader(piece.object('SpecialToken'), `${where}.SpecialToken`);
      return { SpecialToken: { id: s.string('id'), type_id: s.tokenId('type_id') } };
    }
    throw new TokenizerError('E_BAD_FIELD', `${where}: must be {"Sequence": ...} or {"SpecialToken": ...}`);
  });
}

/** Post-processor driven by templates. */
export class TemplateProcessing extends BasePostProcessor {
  readonly single: TemplatePiece[];
  readonly pair: TemplatePiece[];
  readonly specialTokens: Map<string, TemplateSpecialToken>;

  constructor(single: string | TemplatePiece[], pair: string | TemplatePiece[], specialTokens: TemplateSpecialToken[] | [string, number][]) {
    super();
    this.single = parseTemplate(single);
    this.pair = parseTemplate(pair);
    this.specialTokens = new Map();
    for (const t of specialTokens) {
      const tok: TemplateSpecialToken = Array.isArray(t) ? { id: t[0], ids: [t[1]], tokens: [t[0]] } : t;
      tok.ids.forEach((id, i) => checkTokenId(id, `post_processor "TemplateProcessing" special token ${JSON.stringify(tok.id)}`, `ids[${i}]`));
      if (tok.ids.length !== tok.tokens.length) {
        throw new TokenizerError(
          'E_BAD_FIELD',
          `post_processor "TemplateProcessing": special token ${JSON.stringify(tok.id)} has ${tok.ids.length} ids but ${tok.tokens.length} tokens`,
        );
      }
      this.specialTokens.set(tok.id, tok);
    }
    for (const piece of [...this.single, ...this.pair]) {
      if ('SpecialToken' in piece && !this.specialTokens.has(piece.SpecialToken.id)) {
        throw new TokenizerError(
          'E_BAD_FIELD',
          `post_processor "TemplateProcessing": template uses special token ${JSON.stringify(piece.SpecialToken.id)}, which is missing from "special_tokens"`,
        );
      }
    }
  }

  /** Reads the tokenizer.json form. */
  static fromJSON(r: JsonReader): TemplateProcessing {
    const specials = r.object('special_tokens');
    const tokens = Object.keys(specials).map((name) => {
      const s = new JsonReader(specials[name], `${r.where} special_tokens[${JSON.stringify(name)}]`);
      const ids = s.array('ids').map((x, i) => checkTokenId(x, `${s.where} field "ids"`, `ids[${i}]`));
      const toks = s.array('tokens').map((x) => {
        if (typeof x !== 'string') s.fail('tokens', 'an array of strings');
        return x as string;
      });
      return { id: s.string('id'), ids, tokens: toks };
    });
    return new TemplateProcessing(readPieces(r, 'single'), readPieces(r, 'pair'), tokens);
  }

  addedTokens(isPair: boolean): number {
    let n = 0;
    for (const piece of isPair ? this.pair : this.single) {
      if ('SpecialToken' in piece) n += this.specialTokens.get(piece.SpecialToken.id)!.ids.length;
    }
    return n;
  }

  /** Builds the result in one pass when nothing overflowed (the common case). */
  override process(encoding: Encoding, pair: Encoding | null, addSpecialTokens: boolean): Encoding {
    if (encoding.overflowing.length > 0 || (pair && pair.overflowing.length > 0)) return super.process(encoding, pair, addSpecialTokens);
    // Size the output first and fill it by index: no array grows, and short inputs (where the
    // per-call overhead dominates) pay for nothing but the copy.
    const template = pair ? this.pair : this.single;
    let n = 0;
    for (const piece of template) {
      if ('Sequence' in piece) n += (piece.Sequence.id === 'A' ? encoding : pair)?.ids.length ?? 0;
      else if (addSpecialTokens) n += this.specialTokens.get(piece.SpecialToken.id)!.ids.length;
    }
    const out = new Encoding({
      ids: new Array<number>(n),
      tokens: new Array<string>(n),
      typeIds: new Array<number>(n),
      offsets: new Array<[number, number]>(n),
      wordIds: new Array<number | null>(n),
      specialTokensMask: new Array<number>(n),
      attentionMask: new Array<number>(n),
    });
    let at = 0;
    for (const piece of template) {
      if ('Sequence' in piece) {
        const i = piece.Sequence.id === 'A' ? 0 : 1;
        const e = i === 0 ? encoding : pair;
        if (!e) continue;
        const start = at;
        for (let k = 0; k < e.ids.length; k++, at++) {
          out.ids[at] = e.ids[k];
          out.tokens[at] = e.tokens[k];
          out.typeIds[at] = piece.Sequence.type_id;
          out.offsets[at] = e.offsets[k];
          out.wordIds[at] = e.wordIds[k];
          out.specialTokensMask[at] = e.specialTokensMask[k];
          out.attentionMask[at] = e.attentionMask[k];
        }
        out.sequenceRanges.set(i, [start, at]);
      } else if (addSpecialTokens) {
        const tok = this.specialTokens.get(piece.SpecialToken.id)!;
        for (let k = 0; k < tok.ids.length; k++, at++) {
          out.ids[at] = tok.ids[k];
          out.tokens[at] = tok.tokens[k];
          out.typeIds[at] = piece.SpecialToken.type_id;
          out.offsets[at] = [0, 0];
          out.wordIds[at] = null;
          out.specialTokensMask[at] = 1;
          out.attentionMask[at] = 1;
        }
      }
    }
    return out;
  }

  processEncodings(encodings: Encoding[], addSpecialTokens: boolean): Encoding[] {
    const template = encodings.length === 2 ? this.pair : this.single;
    const out: Encoding[] = [];
    for (const piece of template) {
      if ('Sequence' in piece) {
        const i = piece.Sequence.id === 'A' ? 0 : 1;
        const e = encodings[i];
        if (!e) continue;
        e.setTypeIds(piece.Sequence.type_id);
        e.setSequenceId(i);
        out.push(e.clone());
      } else if (addSpecialTokens) {
        const tok = this.specialTokens.get(piece.SpecialToken.id)!;
        const k = tok.ids.length;
        out.push(
          new Encoding({
            ids: tok.ids.slice(),
            tokens: tok.tokens.slice(),
            typeIds: new Array<number>(k).fill(piece.SpecialToken.type_id),
            offsets: Array.from({ length: k }, (): [number, number] => [0, 0]),
            wordIds: new Array<number | null>(k).fill(null),
            specialTokensMask: new Array<number>(k).fill(1),
            attentionMask: new Array<number>(k).fill(1),
          }),
        );
      }
    }
    return out;
  }

  toJSON() {
    const special_tokens: Record<string, TemplateSpecialToken> = {};
    for (const [name, t] of this.specialTokens) special_tokens[name] = { id: t.id, ids: t.ids, tokens: t.tokens };
    return { type: 'TemplateProcessing', single: this.single, pair: this.pair, special_tokens };
  }
}
