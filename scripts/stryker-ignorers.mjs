/**
 * Three Stryker ignorer plugins for the impl/ mutation run (stryker.config.mjs).
 *
 * `assertions` leaves unmutated the calls of assert(), unreachable() and check() (lib/assert.ts,
 * lib/invariant.ts), condition and message; in impl/audit.ts, the oracle whose every check has
 * a corruption test (impl/audit.test.ts), only the messages of check(). On a correct impl driven by a correct caller an
 * assertion never fires, so a weakened condition (`true`, `||` for `&&`, a looser bound)
 * changes no outcome any run can see; only a test that calls the function out of contract
 * could kill it, and impl/ has few of those. A mutated message changes what a failure says,
 * not whether it happens. A strengthened condition would be killed, but it is no gap either.
 *
 * `module-level` leaves unmutated code outside every function and class body: the layout
 * constants, the load-time layout asserts and the preset tables. It runs once, when vitest
 * imports the module, and the vitest runner switches a mutant on only around each test, so such
 * a mutant is never active: Stryker would report it "Survived" although no test ran it (with
 * perTest coverage these are not recognised as static). The constants are pinned by the
 * load-time asserts and the word round-trip tests instead.
 *
 * `mutant-switches` leaves unmutated the switches of the catalogued mutants
 * (impl/mutants.ts) and the code only those switches reach. A switch is a comparison of a
 * `mutant` field or variable with a string literal, e.g. `this.mutant === 'put-skips-free'`.
 * With no catalogued mutant on (every Stryker run) the switch is `null === '...'`, so:
 *
 * - the comparison itself: mutating it to "false" for `===` (or "true" for `!==`) changes
 *   nothing, and mutating it the other way switches the catalogued bug on for every run, which
 *   is what properties/canary.test.ts already proves the harness catches;
 * - an `&&` chain holding a `=== '...'` switch is always false (an `||` chain holding a
 *   `!== '...'` switch is always true): its other operands are never evaluated;
 * - the branch such a chain guards (`if` consequent, `?:` consequent, or the alternate of an
 *   always-true test) never runs.
 *
 * Mutants there would be equivalent or a copy of the catalogue, so they are reported as
 * "Ignored" with the reason below and do not count in the score. Not covered here: helpers
 * that only a mutant branch calls (they carry `// Stryker disable` comments at the source).
 */

/** '===' or '!==' when `node` is a mutant switch, else null. */
function switchOperator(node) {
  if (node?.type !== 'BinaryExpression') return null;
  if (node.operator !== '===' && node.operator !== '!==') return null;
  const isMutantRef = (side) =>
    (side.type === 'Identifier' && side.name === 'mutant') ||
    (side.type === 'MemberExpression' && !side.computed && side.property.type === 'Identifier' &&
      side.property.name === 'mutant');
  const isName = (side) => side.type === 'StringLiteral';
  const matches = (isMutantRef(node.left) && isName(node.right)) ||
    (isName(node.left) && isMutantRef(node.right));
  return matches ? node.operator : null;
}

/** The operands of a chain of one logical operator, flattened. */
function chainOperands(node, operator) {
  if (node.type === 'LogicalExpression' && node.operator === operator) {
    return [...chainOperands(node.left, operator), ...chainOperands(node.right, operator)];
  }
  return [node];
}

/** The constant value of a test while no mutant is on: false, true, or null (not constant). */
function constantWithoutMutant(node) {
  if (node === null || node === undefined) return null;
  const own = switchOperator(node);
  if (own === '===') return false;
  if (own === '!==') return true;
  if (node.type === 'LogicalExpression' && node.operator === '&&' &&
    chainOperands(node, '&&').some((operand) => switchOperator(operand) === '===')) return false;
  if (node.type === 'LogicalExpression' && node.operator === '||' &&
    chainOperands(node, '||').some((operand) => switchOperator(operand) === '!==')) return true;
  return null;
}

const reason = 'catalogued mutant switch (impl/mutants.ts): constant with no mutant on; ' +
  'see docs/mutation-testing.md';

const ignoreMutantSwitches = {
  shouldIgnore(path) {
    const node = path.node;
    if (constantWithoutMutant(node) !== null) return reason;
    const parent = path.parentPath?.node;
    if (parent?.type === 'IfStatement' || parent?.type === 'ConditionalExpression') {
      const test = constantWithoutMutant(parent.test);
      if (path.key === 'consequent' && test === false) return reason;
      if (path.key === 'alternate' && test === true) return reason;
    }
    return undefined;
  },
};

/** The contract helpers of lib/assert.ts and lib/invariant.ts. */
const contractCallees = new Set(['assert', 'unreachable', 'check']);

/** True when `node` is a call of check(). */
function isCheckCall(node) {
  return node?.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'check';
}

/** True when `path` is in impl/audit.ts, whose checks are the oracle itself. */
function inAudit(path) {
  return /(^|[\\/])impl[\\/]audit\.ts$/.test(path.hub?.file?.opts?.filename ?? '');
}

const ignoreAssertions = {
  shouldIgnore(path) {
    const node = path.node;
    // The checks of impl/audit.ts are mutated, condition, invariant and id: impl/audit.test.ts
    // corrupts the state each one checks. Only their messages (text) are left alone.
    if (inAudit(path)) {
      if (path.listKey === 'arguments' && path.key === 3 && isCheckCall(path.parent)) {
        return 'the message of an audit check: text; see docs/mutation-testing.md';
      }
      if (isCheckCall(node)) return undefined;
    }
    if (node.type !== 'CallExpression' || node.callee.type !== 'Identifier') return undefined;
    if (!contractCallees.has(node.callee.name)) return undefined;
    return 'assertion (contract check): never fires on a correct run, so weakening it is ' +
      'unobservable without a contract test; see docs/mutation-testing.md';
  },
};

/** True when `path` runs once, at module load: outside every function and class body. */
function atModuleLevel(path) {
  return path.findParent((parent) => parent.isFunction() || parent.isClassBody()) === null;
}

/** True when `path` is or holds a function or a class (code that runs later, per call). */
function holdsCode(path) {
  if (path.isFunction() || path.isClass()) return true;
  let found = false;
  path.traverse({
    Function(inner) { found = true; inner.stop(); },
    Class(inner) { found = true; inner.stop(); },
  });
  return found;
}

const ignoreModuleLevel = {
  shouldIgnore(path) {
    if (!path.isExpression() || !atModuleLevel(path) || holdsCode(path)) return undefined;
    return 'module-level code runs once at import, before the vitest runner switches a mutant ' +
      'on, so Stryker cannot test it here; see docs/mutation-testing.md';
  },
};

export const strykerPlugins = [
  { kind: 'Ignore', name: 'module-level', value: ignoreModuleLevel },
  { kind: 'Ignore', name: 'assertions', value: ignoreAssertions },
  { kind: 'Ignore', name: 'mutant-switches', value: ignoreMutantSwitches },
];
