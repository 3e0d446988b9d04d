/**
 * First difference between two plain values (objects, arrays, numbers, strings, booleans,
 * null). Keys whose value is undefined count as absent, so an outcome that leaves a field out
 * equals one that sets it to undefined. Returns the path and both sides, or null when equal.
 *
 * Not covered here: rendering the difference for people (properties/report.ts).
 */

export interface Difference {
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function firstDifference(expected: unknown, actual: unknown, path = ''): Difference | null {
  if (expected === actual) return null;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const length = Math.max(expected.length, actual.length);
    for (let i = 0; i < length; i++) {
      if (i >= expected.length || i >= actual.length) {
        return { path: `${path}[${i}]`, expected: expected[i], actual: actual[i] };
      }
      const difference = firstDifference(expected[i], actual[i], `${path}[${i}]`);
      if (difference !== null) return difference;
    }
    return null;
  }
  if (isRecord(expected) && isRecord(actual)) {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const key of [...keys].sort()) {
      const difference = firstDifference(
        expected[key],
        actual[key],
        path === '' ? key : `${path}.${key}`,
      );
      if (difference !== null) return difference;
    }
    return null;
  }
  return { path: path === '' ? '(root)' : path, expected, actual };
}

/**
 * Structural equality of two plain values, without building a difference: the fast path the
 * checker takes after every op (firstDifference runs only when this says false). Keys whose
 * value is undefined count as absent, as in firstDifference.
 */
export function plainEqual(expected: unknown, actual: unknown): boolean {
  if (expected === actual) return true;
  if (
    typeof expected !== 'object' ||
    typeof actual !== 'object' ||
    expected === null ||
    actual === null
  ) {
    return false;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || expected.length !== actual.length) return false;
    for (let i = 0; i < expected.length; i++) if (!plainEqual(expected[i], actual[i])) return false;
    return true;
  }
  if (Array.isArray(actual)) return false;
  const left = expected as Record<string, unknown>;
  const right = actual as Record<string, unknown>;
  let definedLeft = 0;
  for (const key in left) {
    const value = left[key];
    if (value === undefined) continue;
    definedLeft++;
    if (!plainEqual(value, right[key])) return false;
  }
  let definedRight = 0;
  for (const key in right) if (right[key] !== undefined) definedRight++;
  return definedLeft === definedRight;
}
