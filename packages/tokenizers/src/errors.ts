/**
 * The one error type of the package. `code` is stable and meant for programs; `message` names the
 * component and the field at fault so that a person can fix a tokenizer.json by reading it.
 */

/** Machine-readable error codes raised by `@graft/tokenizers`. */
export type TokenizerErrorCode =
  | 'E_JSON' // the text is not valid JSON
  | 'E_UNKNOWN_TYPE' // a component `type` tag that no registry knows
  | 'E_MISSING_FIELD' // a required field is absent
  | 'E_BAD_FIELD' // a field has the wrong type or an invalid value
  | 'E_FORMAT' // a vocab.txt / merges.txt / SentencePiece file is malformed
  | 'E_VOCAB' // a token or id that the vocabulary does not contain
  | 'E_TRUNCATION' // truncation cannot satisfy the requested length
  | 'E_LIMIT' // a size beyond a documented bound (padding length, component nesting)
  | 'E_ARGUMENT' // an API was called with arguments it cannot take
  | 'E_IO' // a file or folder could not be read or written (Node entry only)
  | 'E_UNSUPPORTED'; // a valid configuration this package does not implement

/** Error raised for malformed or unsupported tokenizer files and impossible requests. */
export class TokenizerError extends Error {
  /** Stable error code, e.g. `E_UNKNOWN_TYPE`. */
  readonly code: TokenizerErrorCode;

  constructor(code: TokenizerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TokenizerError';
    this.code = code;
  }
}
