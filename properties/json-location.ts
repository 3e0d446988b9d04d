/**
 * Where a problem sits in a JSON document, as `file:line:column` (1-based, as editors and
 * compilers print it): the first syntax error of text that is not JSON, or the value (or, for
 * a missing or unknown field, the object or key) that a JSON path names. Locations come from
 * jsonc-parser's syntax tree, read with comments and trailing commas disallowed.
 *
 * Not covered here: the schemas themselves (properties/trace.ts).
 */
import jsonc from 'jsonc-parser';

/** One schema problem: its path in the document, and what is wrong, in words. */
export interface IssueProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
  /** The problem is an unknown field (its location is the field's name). */
  readonly unknownField: boolean;
}

/** One problem: where it is and what it is. */
export interface JsonProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** 1-based line and column of `offset` in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/** What jsonc-parser's error codes mean, in words. */
const syntaxWords: Readonly<Record<string, string>> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'malformed number',
  PropertyNameExpected: 'expected a field name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':'",
  CommaExpected: "expected ',' or the end of the object or array",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: 'expected the end of the document',
  InvalidCommentToken: 'comments are not JSON',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'malformed \\u escape',
  InvalidEscapeCharacter: 'malformed escape',
  InvalidCharacter: 'control character in a string',
};

/** The first syntax problem of `text`, or null when it is JSON. */
export function syntaxProblem(text: string): JsonProblem | null {
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    const errors: jsonc.ParseError[] = [];
    jsonc.parse(text, errors, {
      disallowComments: true,
      allowTrailingComma: false,
      allowEmptyContent: false,
    });
    const first = errors[0];
    const code = first === undefined ? '' : jsonc.printParseErrorCode(first.error);
    const words = syntaxWords[code] ?? (error as Error).message.split('\n')[0] ?? 'not JSON';
    // JSON.parse refuses some text the tolerant parser takes (e.g. an empty document).
    const at = lineColumn(text, first?.offset ?? text.length);
    return { ...at, message: `not JSON: ${words}` };
  }
}

/**
 * The place a JSON path names: the value when it exists; else the nearest existing ancestor
 * (a missing field points at the object that lacks it). `key` points at an object field's
 * name rather than its value (for unknown fields).
 */
export function pathLocation(
  text: string,
  path: readonly (string | number)[],
  key = false,
): { line: number; column: number } {
  const root = jsonc.parseTree(text);
  if (root === undefined) return { line: 1, column: 1 };
  for (let length = path.length; length >= 0; length--) {
    const node = jsonc.findNodeAtLocation(root, path.slice(0, length));
    if (node === undefined) continue;
    const target =
      key && length === path.length && node.parent?.type === 'property' ? node.parent : node;
    return lineColumn(text, target.offset);
  }
  return lineColumn(text, root.offset);
}
