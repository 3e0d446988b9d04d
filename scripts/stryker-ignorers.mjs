/**
 * Two Stryker ignorer plugins for the impl/ mutation run (stryker.config.mjs).
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
 */

/** The contract helpers of lib/assert.ts and lib/invariant.ts. */
const contractCallees = new Set(['assert', 'unreachable', 'check']);

/** True when `node` is a call of check(). */
function isCheckCall(node) {
  return (
    node?.type === 'CallExpression' &&
    node.callee.type === 'Identifier' &&
    node.callee.name === 'check'
  );
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
    return (
      'assertion (contract check): never fires on a correct run, so weakening it is ' +
      'unobservable without a contract test; see docs/mutation-testing.md'
    );
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
    Function(inner) {
      found = true;
      inner.stop();
    },
    Class(inner) {
      found = true;
      inner.stop();
    },
  });
  return found;
}

const ignoreModuleLevel = {
  shouldIgnore(path) {
    if (!path.isExpression() || !atModuleLevel(path) || holdsCode(path)) return undefined;
    return (
      'module-level code runs once at import, before the vitest runner switches a mutant ' +
      'on, so Stryker cannot test it here; see docs/mutation-testing.md'
    );
  },
};

export const strykerPlugins = [
  { kind: 'Ignore', name: 'module-level', value: ignoreModuleLevel },
  { kind: 'Ignore', name: 'assertions', value: ignoreAssertions },
];
