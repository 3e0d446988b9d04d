/**
 * InvariantViolation: the error an audit throws when the implementation breaks one of the
 * numbered invariants of docs/invariants.md. The harness reports the invariant by name, with
 * the entry, slot, cluster and CPU that the auditor names in the message.
 *
 * Not covered here: the checks themselves (impl/audit.ts and properties/).
 */

/** The invariants an audit can report; see docs/invariants.md for each one in prose. */
export type InvariantName =
  | 'count-conservation'
  | 'liveness'
  | 'content'
  | 'cache-binding'
  | 'zero'
  | 'cluster-accounting'
  | 'device-accounting'
  | 'device-lifetime'
  | 'allocation-fence'
  | 'backend-ownership'
  | 'rmap-bijection'
  | 'encoding'
  | 'lookup-cache'
  | 'identity'
  | 'exclusive'
  | 'memcg-accounting'
  | 'allowance'
  | 'drain';

export class InvariantViolation extends Error {
  override name = 'InvariantViolation';
  readonly invariant: InvariantName;
  /** The stable id of the one check that failed (unique within its audit), or null for a
   * violation not raised by check(). */
  readonly check: string | null;

  constructor(invariant: InvariantName, message: string, check: string | null = null) {
    super(`${invariant}: ${message}`);
    this.invariant = invariant;
    this.check = check;
  }
}

/**
 * Throws an InvariantViolation naming `invariant` and the check's stable `id` (kebab-case,
 * unique within impl/audit.ts, so a test can tell which check fired) when `condition` is
 * false.
 */
export function check(
  condition: boolean,
  invariant: InvariantName,
  id: string,
  message: () => string,
): asserts condition {
  if (!condition) {
    throw new InvariantViolation(invariant, message(), id);
  }
}
