/**
 * Assertions shared by every layer: `assert` for contracts, `unreachable` for exhaustive
 * switches. They stay on in every build: they are what turns a silent corruption in impl/
 * into a failing step that the harness can shrink.
 *
 * Not covered here: invariant violations found by an audit (see lib/invariant.ts), which carry
 * the invariant's name so a report can say which rule broke.
 */

/** A broken contract: a programmer error in the caller or in the callee. */
export class AssertionError extends Error {
  override name = 'AssertionError';
}

/**
 * Throws an AssertionError when `condition` is false. A message that formats values is passed
 * as a function, so that it is built only when the assertion fails: assertions stay on in the
 * hot paths of impl/, and formatting every message eagerly cost more than the checks. The
 * body is a test and a call, small enough for V8 to inline at every call site; the failure
 * is built out of line (fail()).
 */
export function assert(condition: boolean, message?: string | (() => string)): asserts condition {
  if (!condition) fail(message);
}

function fail(message: string | (() => string) | undefined): never {
  const text = typeof message === 'function' ? message() : message;
  throw new AssertionError(text ?? 'assertion failed');
}

/** A piece of an assertThat() message: text or a value. */
type Part = string | number | boolean | null | undefined;

/**
 * assert() whose message is the concatenation of up to eight `parts` (text and values, null
 * and undefined as empty text), built only when the assertion fails. It takes no closure and
 * no rest array, so a check on a hot path (the impl's encoders and op paths, the model's
 * invariants over every item of a large state) neither formats a string nor allocates.
 */
export function assertThat(
  condition: boolean,
  a?: Part,
  b?: Part,
  c?: Part,
  d?: Part,
  e?: Part,
  f?: Part,
  g?: Part,
  h?: Part,
): asserts condition {
  if (!condition) failThat(a, b, c, d, e, f, g, h);
}

function failThat(...parts: readonly Part[]): never {
  throw new AssertionError(
    parts.every((part) => part === undefined) ? 'assertion failed' : parts.join(''),
  );
}

/** Marks a branch that the type system proves impossible. */
export function unreachable(value: never, message?: string): never {
  throw new AssertionError(message ?? `unreachable: ${JSON.stringify(value)}`);
}
