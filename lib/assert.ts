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
 * hot paths of impl/, and formatting every message eagerly cost more than the checks.
 */
export function assert(condition: boolean, message?: string | (() => string)): asserts condition {
  if (!condition) {
    const text = typeof message === 'function' ? message() : message;
    throw new AssertionError(text ?? 'assertion failed');
  }
}

/**
 * assert() whose message is the concatenation of `parts` (text and values), built only when
 * the assertion fails. It has no closure per call site, so a check that runs for every item of
 * a large state (the model's invariants and accessors) neither formats a string nor leaves an
 * uncalled message function behind.
 */
export function assertThat(
  condition: boolean,
  ...parts: readonly (string | number | boolean | null | undefined)[]
): asserts condition {
  if (!condition)
    throw new AssertionError(parts.length === 0 ? 'assertion failed' : parts.join(''));
}

/** Marks a branch that the type system proves impossible. */
export function unreachable(value: never, message?: string): never {
  throw new AssertionError(message ?? `unreachable: ${JSON.stringify(value)}`);
}
