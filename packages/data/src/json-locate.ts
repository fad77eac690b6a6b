/**
 * Where JSON text is malformed. `JSON.parse` says what went wrong but, on Node 20, often not
 * where ("Unexpected token '}', … is not valid JSON"); on failure we scan the text once more to
 * find the first error and report its line and column. This is @graft/tokenizers' locator
 * (packages/tokenizers/src/json-text.ts): tokenizers imports nothing, so the two packages cannot
 * share it through core.
 */

/** 1-based line and column (in UTF-16 code units) of offset `at`. */
export function lineAndColumn(text: string, at: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) line++, (lineStart = i + 1);
  }
  return { line, column: at - lineStart + 1 };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

/**
 * The offset and description of the first syntax error in `text`, or null when it is valid JSON.
 * Iterative (an explicit stack of open containers), so deep nesting cannot overflow the stack.
 */
export function locateJsonError(text: string): { at: number; problem: string } | null {
  const stack: number[] = []; // 123 for an open object, 91 for an open array
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
      i++;
    }
  };
  const fail = (problem: string) => ({ at: i, problem });
  const unexpected = (expected: string) =>
    fail(i >= n ? `unexpected end of the text, expected ${expected}` : `unexpected ${JSON.stringify(text[i])}, expected ${expected}`);
  // Scans a string starting at the quote at i; returns a problem or null.
  const string = (): { at: number; problem: string } | null => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) return (i++, null);
      if (c < 32) return fail('a control character inside a string (write it as an escape such as \\n)');
      if (c === 92) {
        ESCAPE.lastIndex = i;
        if (!ESCAPE.test(text)) return fail('an invalid escape sequence in a string');
        i = ESCAPE.lastIndex;
      } else i++;
    }
    return fail('a string that is never closed');
  };
  // Scans `"name" :` at i, where `expected` says what else could have come; returns a problem or null.
  const propertyName = (expected: string): { at: number; problem: string } | null => {
    if (text.charCodeAt(i) !== 34) return unexpected(expected);
    const bad = string();
    if (bad) return bad;
    ws();
    if (text.charCodeAt(i) !== 58) return unexpected('":" after the property name');
    i++;
    return null;
  };
  for (;;) {
    // A value is expected here.
    ws();
    const c = text.charCodeAt(i);
    if (c === 123 || c === 91) {
      stack.push(c);
      i++;
      ws();
      if (text.charCodeAt(i) === (c === 123 ? 125 : 93)) {
        i++;
        stack.pop();
      } else if (c === 123) {
        const bad = propertyName('a property name in double quotes or "}"');
        if (bad) return bad;
        continue;
      } else continue;
    } else if (c === 34) {
      const bad = string();
      if (bad) return bad;
    } else {
      const re = c === 45 || (c >= 48 && c <= 57) ? NUMBER : LITERAL;
      re.lastIndex = i;
      if (!re.test(text)) return unexpected('a value (object, array, string, number, true, false or null)');
      i = re.lastIndex;
    }
    // After a value: close containers, or find the separator before the next value.
    for (;;) {
      ws();
      if (stack.length === 0) return i < n ? fail(`unexpected ${JSON.stringify(text[i])} after the end of the JSON value`) : null;
      const top = stack[stack.length - 1];
      const close = top === 123 ? 125 : 93;
      const d = text.charCodeAt(i);
      if (d === close) {
        i++;
        stack.pop();
        continue;
      }
      if (d !== 44) return unexpected(top === 123 ? '"," or "}" after a property value' : '"," or "]" after an array element');
      i++;
      ws();
      if (top === 123) {
        const bad = propertyName('a property name in double quotes (a trailing comma is not JSON)');
        if (bad) return bad;
      } else if (text.charCodeAt(i) === 93) return unexpected('a value (a trailing comma is not JSON)');
      break;
    }
  }
}
