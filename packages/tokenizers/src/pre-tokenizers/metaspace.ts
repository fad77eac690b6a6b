/**
 * Metaspace (SentencePiece style): spaces become "▁", a "▁" is prepended per `prepend_scheme`,
 * and the text is split so that each piece starts with its "▁".
 */
import type { PreTokenizer } from '../components';
import type { JsonReader } from '../json-reader';
import type { PreTokenizedString } from '../pre-tokenized-string';

/** When Metaspace prepends the replacement character. */
export type PrependScheme = 'always' | 'never' | 'first';

/** Options of Metaspace (tokenizer.json field names). */
export interface MetaspaceOptions {
  replacement?: string;
  prepend_scheme?: PrependScheme;
  split?: boolean;
}

/** Reads Metaspace options, accepting the legacy `add_prefix_space` / `str_rep` fields. */
export function readMetaspaceOptions(r: JsonReader): Required<MetaspaceOptions> {
  let scheme: PrependScheme;
  if (r.has('prepend_scheme')) scheme = r.oneOf('prepend_scheme', ['always', 'never', 'first'] as const);
  else scheme = r.bool('add_prefix_space', true) ? 'always' : 'never';
  return { replacement: r.char('replacement', '▁'), prepend_scheme: scheme, split: r.bool('split', true) };
}

/** Replaces spaces by a visible marker and splits before each marker. */
export class Metaspace implements PreTokenizer {
  readonly replacement: string;
  readonly prependScheme: PrependScheme;
  readonly splitPieces: boolean;
  private readonly code: number;

  constructor(o: MetaspaceOptions = {}) {
    this.replacement = o.replacement ?? '▁';
    this.prependScheme = o.prepend_scheme ?? 'always';
    this.splitPieces = o.split ?? true;
    this.code = this.replacement.codePointAt(0)!;
  }

  /** Reads the tokenizer.json form. */
  static fromJSON(r: JsonReader): Metaspace {
    return new Metaspace(readMetaspaceOptions(r));
  }

  preTokenize(s: PreTokenizedString): void {
    s.split((_, n) => {
      n.map((cp) => (cp === 32 ? this.code : cp));
      const starts = n.normalized.startsWith(this.replacement);
      if (!starts && (this.prependScheme === 'always' || (this.prependScheme === 'first' && n.originalShift === 0))) {
        n.prepend(this.replacement);
      }
      return this.splitPieces ? n.split(this.replacement, 'MergedWithNext') : [n];
    });
  }

  toJSON() {
    return { type: 'Metaspace', replacement: this.replacement, prepend_scheme: this.prependScheme, split: this.splitPieces };
  }
}
