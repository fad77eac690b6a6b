/**
 * The two "clean up tokenization spaces" rules of the HF world, from one table: HF `tokenizers`'
 * WordPiece/CTC decoders (`wordpiece::cleanup`, which also turns " do not" into " don't") and
 * transformers' `clean_up_tokenization` (`decode(..., clean_up_tokenization_spaces=True)`).
 * The replacements run in this order in both.
 */
const RULES: readonly (readonly [from: string, to: string, wordPieceOnly?: true])[] = [
  [' .', '.'],
  [' ?', '?'],
  [' !', '!'],
  [' ,', ','],
  [" ' ", "'"],
  [" n't", "n't"],
  [" 'm", "'m"],
  [' do not', " don't", true],
  [" 's", "'s"],
  [" 've", "'ve"],
  [" 're", "'re"],
];

const WORDPIECE = RULES;
const TRANSFORMERS = RULES.filter((r) => !r[2]);

function apply(text: string, rules: readonly (readonly [string, string, true?])[]): string {
  let out = text;
  for (const [from, to] of rules) out = out.replaceAll(from, to);
  return out;
}

/** BERT's tokenization-space clean-up (HF `wordpiece::cleanup`). */
export function cleanupSpaces(text: string): string {
  return apply(text, WORDPIECE);
}

/** transformers' `clean_up_tokenization`: removes spaces before punctuation and contractions. */
export function cleanUpTokenization(text: string): string {
  return apply(text, TRANSFORMERS);
}
